using System.Buffers.Binary;
using Keel.Packaging;
using Keel.Tests;

namespace Keel.Rpm.Tests;

/// <summary>Truncated and corrupted packages: one InvalidDataException naming the file, no crash, no large allocation.</summary>
public sealed class MalformedRpmTests : IDisposable
{
    private static readonly string Source = TestPaths.Oracle("rpm", "tests", "data", "RPMS", "hello-2.0-1.x86_64-signed.rpm");
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-badrpm").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int SigStart, int HeaderStart, int PayloadStart) Layout(byte[] rpm)
    {
        int sig = RpmLead.Size;
        int il = (int)BinaryPrimitives.ReadUInt32BigEndian(rpm.AsSpan(sig + 8));
        int dl = (int)BinaryPrimitives.ReadUInt32BigEndian(rpm.AsSpan(sig + 12));
        int sigLen = 16 + (il * 16) + dl;
        int header = sig + sigLen + ((8 - (sigLen % 8)) % 8);
        il = (int)BinaryPrimitives.ReadUInt32BigEndian(rpm.AsSpan(header + 8));
        dl = (int)BinaryPrimitives.ReadUInt32BigEndian(rpm.AsSpan(header + 12));
        return (sig, header, header + 16 + (il * 16) + dl);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Reads headers, metadata, checks and payload the way Keel uses a package; returns the checks.</summary>
    private static RpmVerification ReadEverything(string path)
    {
        using (var reader = RpmPackageReader.Open(path))
        {
            reader.Header.ToPackageMetadata();
            reader.Header.GetFiles();
            using var payload = reader.OpenPayload();
            var cpio = new CpioReader(payload, path);
            while (cpio.GetNextEntry() is { } e)
            {
                e.Open().CopyTo(Stream.Null);
            }
        }

        return RpmPackageChecker.Verify(path, null);
    }

    public static TheoryData<string, int> Cuts()
    {
        var rpm = File.ReadAllBytes(Source);
        var (sig, header, payload) = Layout(rpm);
        return new TheoryData<string, int>
        {
            { "empty", 0 }, { "in lead", 50 }, { "after lead", 96 }, { "in sig preamble", sig + 10 }, { "in sig index", sig + 40 },
            { "before header", header - 1 }, { "at header", header }, { "in header index", header + 100 },
            { "in header data", payload - 200 }, { "at payload", payload }, { "in payload", payload + ((rpm.Length - payload) / 2) },
            { "last byte missing", rpm.Length - 1 },
        };
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public void Truncated_package_is_one_InvalidDataException_naming_the_file(string where, int length)
    {
        var path = Write($"cut-{length}.rpm", File.ReadAllBytes(Source)[..length]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            // A cut inside the payload may still decompress to a whole archive (gzip's trailer is optional to
            // GZipStream); then the payload digest must catch it.
            var checks = ReadEverything(path);
            Assert.Contains(checks.Checks, c => c.Scope == RpmCheckScope.Payload && c.Status == RpmCheckStatus.Bad);
            Assert.True(length > Layout(File.ReadAllBytes(Source)).PayloadStart, $"{where}: a cut in the headers was not detected");
        }
        catch (InvalidDataException e)
        {
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 << 20, $"{where}: allocated {allocated} bytes");

        var verifier = new RpmPackageVerifier(null, requireSignature: false);
        var ve = Assert.ThrowsAny<Exception>(() => verifier.Verify(path, Hello));
        Assert.True(ve is InvalidDataException or Keel.Errors.SignatureException, ve.ToString());
        Assert.Contains(path, ve.Message, StringComparison.Ordinal);
    }

    private static PackageMetadata Hello => new() { Name = "hello", Evr = new Evr(null, "2.0", "1"), Arch = "x86_64" };

    public static TheoryData<string, int, uint> Flips()
    {
        var rpm = File.ReadAllBytes(Source);
        var (sig, header, _) = Layout(rpm);
        return new TheoryData<string, int, uint>
        {
            { "sig index count huge", sig + 8, 0xffffffff },
            { "sig index count 33", sig + 8, 33 },
            { "sig index count 0", sig + 8, 0 },
            { "sig data length huge", sig + 12, 0x7fffffff },
            { "sig data length +8", sig + 12, BinaryPrimitives.ReadUInt32BigEndian(rpm.AsSpan(sig + 12)) + 8 },
            { "header index count huge", header + 8, 0x00010000 },
            { "header index count +1", header + 8, BinaryPrimitives.ReadUInt32BigEndian(rpm.AsSpan(header + 8)) + 1 },
            { "header data length max", header + 12, 0x0fffffff },
            { "header data length 0", header + 12, 0 },
            { "first entry offset beyond data", header + 16 + 8, 0x00ffffff },
            { "first entry count huge", header + 16 + 12, 0x0fffffff },
            { "second entry type 42", header + 32 + 4, 42 },
            { "header magic", header, 0x8eade802 },
            { "lead magic", 0, 0xedabeedc },
        };
    }

    [Theory]
    [MemberData(nameof(Flips))]
    public void Corrupted_counts_are_one_InvalidDataException_naming_the_file(string what, int offset, uint value)
    {
        var bytes = File.ReadAllBytes(Source);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), value);
        var path = Write("flip.rpm", bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ReadEverything(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 8 << 20, $"{what}: allocated {allocated} bytes");
    }

    [Fact]
    public void A_flipped_header_byte_fails_the_header_digest_and_the_signature()
    {
        var bytes = File.ReadAllBytes(Source);
        var (_, _, payload) = Layout(bytes);
        bytes[payload - 3] ^= 0x20; // inside the last string of the data store
        var path = Write("flipped-data.rpm", bytes);
        var result = RpmPackageChecker.Verify(path, OpenPgp.OpenPgpKeyRing.Load(TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub")));
        Assert.Contains(result.Checks, c => c.Name == "Header SHA256 digest" && c.Status == RpmCheckStatus.Bad);
        Assert.Contains(result.Checks, c => c.Name.StartsWith("Header V4 RSA", StringComparison.Ordinal) && c.Status == RpmCheckStatus.Bad);
        Assert.Contains(result.Checks, c => c.Name == "MD5 digest" && c.Status == RpmCheckStatus.Bad);
        var e = Assert.Throws<InvalidDataException>(() => new RpmPackageVerifier(null, false).Verify(path, Hello));
        Assert.Contains("BAD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verifier_accepts_good_packages_and_checks_signature_and_nevra()
    {
        var keys = OpenPgp.OpenPgpKeyRing.Load(TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub"));
        new RpmPackageVerifier(keys, requireSignature: true).Verify(Source, Hello);

        var unsigned = TestPaths.Oracle("rpm", "tests", "data", "RPMS", "hello-2.0-1.x86_64.rpm");
        new RpmPackageVerifier(keys, requireSignature: false).Verify(unsigned, Hello);
        var se = Assert.Throws<Keel.Errors.SignatureException>(() => new RpmPackageVerifier(keys, requireSignature: true).Verify(unsigned, Hello));
        Assert.Contains("not signed", se.Message, StringComparison.Ordinal);
        Assert.Equal(unsigned, se.Input);

        var ed = OpenPgp.OpenPgpKeyRing.Load(TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-ed25519-test.pub"));
        se = Assert.Throws<Keel.Errors.SignatureException>(() => new RpmPackageVerifier(ed, requireSignature: true).Verify(Source, Hello));
        Assert.Contains("NOKEY", se.Message, StringComparison.Ordinal);
        Assert.Matches("key (ID )?[0-9a-fA-F]{8,16}", se.Message);
        Assert.Equal(Keel.Errors.ReasonCodes.SignatureInvalid, se.Reason);

        var e = Assert.Throws<InvalidDataException>(() => new RpmPackageVerifier(keys, true).Verify(Source, Hello with { Evr = new Evr("1", "2.0", "1") }));
        Assert.Contains("expected hello-1:2.0-1.x86_64", e.Message, StringComparison.Ordinal);

        var corrupted = TestPaths.Oracle("rpm", "tests", "data", "RPMS", "hello-2.0-1.x86_64-corrupted.rpm");
        e = Assert.Throws<InvalidDataException>(() => new RpmPackageVerifier(keys, true).Verify(corrupted, Hello));
        Assert.Contains("Payload SHA256 digest: BAD", e.Message, StringComparison.Ordinal);
    }
}
