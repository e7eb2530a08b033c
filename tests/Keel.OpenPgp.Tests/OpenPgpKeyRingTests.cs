using System.Diagnostics;
using System.Text;
using Keel.Tests;

namespace Keel.OpenPgp.Tests;

public class OpenPgpKeyRingTests
{
    private static string Key(string name) => TestPaths.Oracle("rpm", "tests", "data", "keys", name);

    public static TheoryData<string> GpgReadableKeys() =>
        ["alice.asc", "rpm.org-ed25519-test.pub", "rpm.org-nistp256-test.pub", "rpm.org-rsa-2048-add-subkey.asc", "rpm.org-rsa-2048-test.pgp", "rpm.org-rsa-2048-test.pub"];

    [Theory]
    [MemberData(nameof(GpgReadableKeys))]
    public void Key_ids_match_gpg(string name)
    {
        var ring = OpenPgpKeyRing.Load(Key(name));
        var psi = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "--show-keys", "--with-colons", Key(name) } };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var expected = output.Split('\n').Where(l => l.StartsWith("pub:", StringComparison.Ordinal) || l.StartsWith("sub:", StringComparison.Ordinal))
            .Select(l => l.Split(':')[4].ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ring.KeyIds);
        Assert.Empty(ring.UnusableKeys);
    }

    [Fact]
    public void V6_key_loads_and_is_named_by_the_fingerprint_its_self_signature_carries()
    {
        var ring = OpenPgpKeyRing.Load(Key("rpm.org-v6-ed25519-test.asc"));
        Assert.NotEmpty(ring.KeyIds);

        // The self-signatures carry the issuer fingerprint (subpacket 33, v6: 32 bytes); a v6 key id is its first 8 bytes.
        var bytes = File.ReadAllBytes(Key("rpm.org-v6-ed25519-test.asc"));
        var body = string.Concat(Encoding.ASCII.GetString(bytes).Split('\n').Skip(2).TakeWhile(l => !l.StartsWith('=') && !l.StartsWith('-')));
        var raw = Convert.FromBase64String(body);
        int at = raw.AsSpan().IndexOf(new byte[] { 0x22, 0x21, 0x06 });
        Assert.True(at > 0);
        var fingerprintPrefix = Convert.ToHexStringLower(raw.AsSpan(at + 3, 8));
        Assert.Contains(fingerprintPrefix, ring.KeyIds);

        // Combined with other keys, the RSA key still works and the v6 key is reported, not fatal.
        var combined = OpenPgpKeyRing.Combine([ring, OpenPgpKeyRing.Load(Key("rpm.org-rsa-2048-test.pub"))]);
        Assert.Contains("4344591e1964c5fc", combined.KeyIds);
        Assert.Contains(fingerprintPrefix, combined.KeyIds);
    }

    [Fact]
    public void Signature_by_a_v6_key_is_Unsupported_with_a_reason()
    {
        var ring = OpenPgpKeyRing.Load(Key("rpm.org-v6-ed25519-test.asc"));
        Assert.NotEmpty(ring.UnusableKeys);
        Assert.All(ring.UnusableKeys.Values, reason => Assert.Contains("v6", reason, StringComparison.Ordinal));

        // The key's own self-signatures are v6 signatures by it: proof enough that a v6 signer is reported, not crashed on.
        var text = File.ReadAllText(Key("rpm.org-v6-ed25519-test.asc"));
        var body = string.Concat(text.Split('\n').Skip(2).TakeWhile(l => !l.StartsWith('=') && !l.StartsWith('-')));
        var raw = Convert.FromBase64String(body);
        int keyPacketLength = raw[1] + 2;
        var firstSignature = raw.AsSpan(keyPacketLength, raw[keyPacketLength + 1] + 2).ToArray();
        Assert.Equal(0xc2, firstSignature[0]);
        var check = ring.VerifyDetached("data"u8, firstSignature);
        Assert.Equal(SignatureStatus.Unsupported, check.Status);
        Assert.Contains(check.KeyId!, ring.KeyIds);
        Assert.Contains("v6", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_key_file_is_InvalidDataException_naming_it()
    {
        var e = Assert.Throws<InvalidDataException>(() => OpenPgpKeyRing.Parse("hello world"u8, "junk.asc"));
        Assert.StartsWith("junk.asc", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InvalidDataException>(() => OpenPgpKeyRing.Parse([0x99, 0x01, 0x0d, 0x04], "cut.pgp"));
        Assert.Contains("cut.pgp", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rsa2048", true)]
    [InlineData("ed25519", false)]
    [InlineData("nistp256", true)]
    public void Gpg_detached_signatures_verify(string algo, bool armor)
    {
        using var gpg = new GpgHome();
        var fpr = gpg.Generate($"Keel {algo} <{algo}@example.invalid>", algo);
        var ring = OpenPgpKeyRing.Parse(gpg.Export(fpr, armor: true), "exported");
        var data = Encoding.UTF8.GetBytes("repomd contents\n" + new string('x', 200_000));
        var sig = gpg.SignDetached(data, fpr, armor);

        var good = ring.VerifyDetached(data, sig);
        Assert.Equal(SignatureStatus.Good, good.Status);
        Assert.True(good.IsValid);
        Assert.Equal(fpr[^16..], good.KeyId);

        using var stream = new MemoryStream(data);
        Assert.Equal(SignatureStatus.Good, ring.VerifyDetached(stream, sig).Status);

        var tampered = (byte[])data.Clone();
        tampered[^1] ^= 1;
        var bad = ring.VerifyDetached(tampered, sig);
        Assert.Equal(SignatureStatus.Bad, bad.Status);
        Assert.False(bad.IsValid);

        var other = OpenPgpKeyRing.Load(Key("rpm.org-rsa-2048-test.pub"));
        var unknown = other.VerifyDetached(data, sig);
        Assert.Equal(SignatureStatus.UnknownKey, unknown.Status);
        Assert.Equal(fpr[^16..], unknown.KeyId);

        Assert.Equal(SignatureStatus.Malformed, ring.VerifyDetached(data, "not a signature"u8).Status);
        Assert.Equal(SignatureStatus.Malformed, ring.VerifyDetached(data, sig.AsSpan(0, sig.Length / 2)).Status);
    }

    [Fact]
    public void Signature_by_a_signing_subkey_verifies_with_the_primary_keys_file()
    {
        using var gpg = new GpgHome();
        var fpr = gpg.Generate("Keel sub <sub@example.invalid>", "rsa2048");
        var sub = gpg.AddSigningSubkey(fpr, "ed25519");
        var ring = OpenPgpKeyRing.Parse(gpg.Export(fpr, armor: false), "exported.pgp");
        Assert.Contains(sub[^16..], ring.KeyIds);
        var data = "signed by a subkey"u8.ToArray();
        var check = ring.VerifyDetached(data, gpg.SignDetached(data, sub, armor: true));
        Assert.Equal(SignatureStatus.Good, check.Status);
        Assert.Equal(sub[^16..], check.KeyId);
        Assert.Equal("EdDSA", check.Algorithm);
    }
}
