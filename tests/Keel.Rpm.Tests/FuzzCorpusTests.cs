using Keel.Tests;

namespace Keel.Rpm.Tests;

/// <summary>Inputs bench/fuzz's rpm target found, replayed the way that target reads them (bench/fuzz/Keel.Fuzz/Targets.cs).</summary>
public sealed class FuzzCorpusTests
{
    private const string Target = "rpm";

    public static TheoryData<string> Files => FuzzCorpus.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Reads_or_refuses(string name) => FuzzCorpus.AssertReadsOrRefuses(Target, name, static (path, input) =>
    {
        using (var reader = new RpmPackageReader(new MemoryStream(input, writable: false), path))
        {
            var header = reader.Header;
            _ = RpmPackageChecker.SignatureKeyIds(reader.Signature, path);
            _ = header.ToPackageMetadata();
            _ = header.GetFiles();
            _ = header.GetFilePaths();
            _ = header.GetScriptlets();
            foreach (var kind in Enum.GetValues<RpmDependencyKind>())
            {
                _ = header.GetDependencies(kind);
            }

            using var payload = reader.OpenPayload();
            var cpio = new CpioReader(payload, path + " payload");
            while (cpio.GetNextEntry() is { } entry)
            {
                using var data = entry.Open();
                data.CopyTo(Stream.Null);
            }
        }

        _ = RpmPackageChecker.Verify(path, null);
    });
}
