using Keel.Tests;

namespace Keel.OpenPgp.Tests;

/// <summary>Inputs bench/fuzz's openpgp target found, replayed the way that target reads them: as a key ring, as
/// signature data, and as a detached signature checked with the ring the same input made.</summary>
public sealed class FuzzCorpusTests
{
    private const string Target = "openpgp";

    public static TheoryData<string> Files => FuzzCorpus.Files(Target);

    [Theory]
    [MemberData(nameof(Files))]
    public void Reads_as_key_ring_or_refuses(string name) => FuzzCorpus.AssertReadsOrRefuses(Target, name, static (path, input) =>
    {
        var ring = OpenPgpKeyRing.Parse(input, path);
        _ = ring.UnusableKeys;

        // A malformed or unverifiable signature is a result, never an exception.
        _ = ring.VerifyDetached("fuzz"u8, input);
        _ = ring.VerifyDetached(new MemoryStream(input, writable: false), input);
    });

    [Theory]
    [MemberData(nameof(Files))]
    public void Reads_as_signature_or_refuses(string name) =>
        FuzzCorpus.AssertReadsOrRefuses(Target, name, static (path, input) => _ = OpenPgpSignatureInfo.Read(input, path));
}
