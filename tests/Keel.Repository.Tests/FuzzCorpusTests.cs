using Keel.Compression;
using Keel.Repository.Metadata;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>Inputs bench/fuzz's rpmmd-xml target found, replayed the way that target reads them: the first byte picks
/// the reader (0 repomd, 1 primary, 2 filelists, 3 comps, 4 updateinfo; modulo 5), the rest is the file.</summary>
public sealed class FuzzCorpusTests
{
    private const string Target = "rpmmd-xml";

    public static TheoryData<string> Files => FuzzCorpus.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Reads_or_refuses(string name) => FuzzCorpus.AssertReadsOrRefuses(Target, name, static (path, input) =>
    {
        if (input.Length == 0)
        {
            return;
        }

        using var file = Decompression.OpenDetected(new MemoryStream(input, 1, input.Length - 1, writable: false), path);
        switch (input[0] % 5)
        {
            case 0:
                _ = RepoMdReader.Read(file, path);
                break;
            case 1:
                _ = PrimaryReader.Read(file, path, "fuzz");
                break;
            case 2:
                FilelistsReader.Read(file, path, static (_, _) => { });
                break;
            case 3:
                _ = CompsReader.Read(file, path);
                break;
            default:
                _ = UpdateInfoReader.Read(file, path);
                break;
        }
    });
}
