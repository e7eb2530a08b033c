using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Keel.OpenPgp.Tests;

/// <summary>Three gpg RSA keys (2048, 3072, 4096 bits), generated once for the class: 4096-bit generation takes seconds.</summary>
public sealed class RsaKeysFixture : IDisposable
{
    public RsaKeysFixture()
    {
        Fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var algo in new[] { "rsa2048", "rsa3072", "rsa4096" })
        {
            Fingerprints[algo] = Gpg.Generate($"Keel {algo} <{algo}@example.invalid>", algo);
        }
    }

    internal GpgHome Gpg { get; } = new();

    public Dictionary<string, string> Fingerprints { get; }

    public void Dispose() => Gpg.Dispose();
}

/// <summary>
/// The RSA fast path (key converted once per key, DocumentSignatureVerifier) accepts exactly what BouncyCastle's own
/// PgpSignature.InitVerify/Update/Verify accepts, and still refuses tampered data, tampered hashed subpackets and a
/// signature claimed by another key.
/// </summary>
public sealed class CachedKeyVerificationTests(RsaKeysFixture keys) : IClassFixture<RsaKeysFixture>
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("<repomd>\n" + new string('p', 100_000) + "</repomd>\n");

    public static TheoryData<string, string> KeysAndHashes() => new()
    {
        { "rsa2048", "SHA256" }, { "rsa2048", "SHA512" },
        { "rsa3072", "SHA256" }, { "rsa3072", "SHA512" },
        { "rsa4096", "SHA256" }, { "rsa4096", "SHA512" },
    };

    [Theory]
    [MemberData(nameof(KeysAndHashes))]
    public void Good_signature_verifies_on_the_cached_key_path_and_agrees_with_BouncyCastle(string algo, string hash)
    {
        var fpr = keys.Fingerprints[algo];
        var ring = OpenPgpKeyRing.Parse(keys.Gpg.Export(fpr, armor: false), "exported.pgp");
        var sig = Sign(fpr, hash);

        var check = ring.VerifyDetached(Data, sig);
        Assert.Equal(SignatureStatus.Good, check.Status);
        Assert.Equal(fpr[^16..], check.KeyId);
        using (var stream = new MemoryStream(Data))
        {
            Assert.Equal(SignatureStatus.Good, ring.VerifyDetached(stream, sig).Status);
        }

        Assert.True(BouncyCastleVerifies(fpr, Data, sig));
        var (verifier, _) = Direct(fpr, sig);
        Assert.True(verifier.UsesCachedKey, "an RSA binary signature must take the cached-key path");
        Assert.True(verifier.UsesPlatformRsa, $"an RSA {hash} signature must be checked by .NET's RSA");
        verifier.Update(Data);
        Assert.True(verifier.Verify());
    }

    [Theory]
    [MemberData(nameof(KeysAndHashes))]
    public void Tampered_data_is_Bad_on_both_paths(string algo, string hash)
    {
        var fpr = keys.Fingerprints[algo];
        var ring = OpenPgpKeyRing.Parse(keys.Gpg.Export(fpr, armor: true), "exported.asc");
        var sig = Sign(fpr, hash);
        foreach (var at in new[] { 0, Data.Length / 2, Data.Length - 1 })
        {
            var tampered = (byte[])Data.Clone();
            tampered[at] ^= 0x20;
            var check = ring.VerifyDetached(tampered, sig);
            Assert.Equal(SignatureStatus.Bad, check.Status);
            Assert.Contains("the data does not match", check.Detail, StringComparison.Ordinal);
            Assert.False(BouncyCastleVerifies(fpr, tampered, sig));
        }

        Assert.Equal(SignatureStatus.Bad, ring.VerifyDetached(Data.AsSpan(0, Data.Length - 1), sig).Status);
        Assert.Equal(SignatureStatus.Bad, ring.VerifyDetached([.. Data, (byte)'\n'], sig).Status);
    }

    [Theory]
    [MemberData(nameof(KeysAndHashes))]
    public void Tampered_hashed_subpacket_is_Bad_on_both_paths(string algo, string hash)
    {
        var fpr = keys.Fingerprints[algo];
        var ring = OpenPgpKeyRing.Parse(keys.Gpg.Export(fpr, armor: true), "exported.asc");
        var sig = Sign(fpr, hash, "--sig-notation", "build@example.invalid=keel-bench");
        Assert.Equal(SignatureStatus.Good, ring.VerifyDetached(Data, sig).Status);

        // The notation lives in the hashed subpacket area (the signature trailer); change one letter of its value.
        var tampered = (byte[])sig.Clone();
        var at = tampered.AsSpan().IndexOf("keel-bench"u8);
        Assert.True(at > 0, "gpg wrote the notation");
        tampered[at] = (byte)'K';
        var notation = ReadSignature(tampered).GetHashedSubPackets().GetNotationDataOccurrences();
        Assert.Contains(notation, n => n.GetNotationValue() == "Keel-bench");

        var check = ring.VerifyDetached(Data, tampered);
        Assert.Equal(SignatureStatus.Bad, check.Status);
        Assert.False(BouncyCastleVerifies(fpr, Data, tampered));
    }

    [Theory]
    [InlineData("rsa2048", "rsa3072", "SHA256")]
    [InlineData("rsa3072", "rsa4096", "SHA512")]
    [InlineData("rsa4096", "rsa2048", "SHA256")]
    public void Signature_claimed_by_another_key_is_Bad(string signerAlgo, string claimedAlgo, string hash)
    {
        var signer = keys.Fingerprints[signerAlgo];
        var claimed = keys.Fingerprints[claimedAlgo];
        var ring = OpenPgpKeyRing.Parse(keys.Gpg.Export(claimed, armor: true), "claimed.asc");
        var sig = Sign(signer, hash);

        // Rewrite the issuer fingerprint (hashed) and issuer key id (unhashed) so the ring picks the other key.
        var forged = Replace(sig, Convert.FromHexString(signer), Convert.FromHexString(claimed));
        forged = Replace(forged, Convert.FromHexString(signer[^16..]), Convert.FromHexString(claimed[^16..]));
        Assert.Equal(claimed[^16..], KeyIdCalculator.Format(ReadSignature(forged).KeyId));

        var check = ring.VerifyDetached(Data, forged);
        Assert.Equal(SignatureStatus.Bad, check.Status);
        Assert.Equal(claimed[^16..], check.KeyId);
        Assert.False(BouncyCastleVerifies(claimed, Data, forged));
        Assert.Equal(SignatureStatus.UnknownKey, ring.VerifyDetached(Data, sig).Status);
    }

    [Fact]
    public void Key_is_converted_once_and_shared_by_every_signature()
    {
        var fpr = keys.Fingerprints["rsa3072"];
        var (_, entry) = Direct(fpr, Sign(fpr, "SHA256"));
        Assert.NotNull(entry.VerificationKey);
        Assert.Same(entry.VerificationKey, entry.VerificationKey);
    }

    [Fact]
    public void Text_signatures_stay_on_BouncyCastles_path_and_verify()
    {
        var fpr = keys.Fingerprints["rsa2048"];
        var ring = OpenPgpKeyRing.Parse(keys.Gpg.Export(fpr, armor: true), "exported.asc");
        var text = "line one\nline two\n"u8.ToArray();
        var sig = keys.Gpg.SignDetached(text, fpr, armor: false, "--textmode");
        Assert.Equal(PgpSignature.CanonicalTextDocument, ReadSignature(sig).SignatureType);
        var (verifier, _) = Direct(fpr, sig);
        Assert.False(verifier.UsesCachedKey);
        Assert.Equal(SignatureStatus.Good, ring.VerifyDetached(text, sig).Status);
        Assert.Equal(SignatureStatus.Bad, ring.VerifyDetached("line one\nline 2\n"u8, sig).Status);
    }

    private byte[] Sign(string fpr, string hash, params string[] options) =>
        keys.Gpg.SignDetached(Data, fpr, armor: false, ["--digest-algo", hash, .. options]);

    private PgpPublicKey PublicKey(string fpr)
    {
        var ring = new PgpPublicKeyRing(keys.Gpg.Export(fpr, armor: false));
        return ring.GetPublicKey();
    }

    private static PgpSignature ReadSignature(byte[] sig) => ((PgpSignatureList)new PgpObjectFactory(sig).NextPgpObject())[0];

    /// <summary>BouncyCastle's own path: InitVerify (converts the key again), Update, Verify.</summary>
    private bool BouncyCastleVerifies(string fpr, byte[] data, byte[] sig)
    {
        var signature = ReadSignature(sig);
        signature.InitVerify(PublicKey(fpr));
        signature.Update(data);
        return signature.Verify();
    }

    private (DocumentSignatureVerifier Verifier, KeyEntry Entry) Direct(string fpr, byte[] sig)
    {
        var key = PublicKey(fpr);
        var entry = new KeyEntry(fpr[^16..], key, null, null, "test");
        return (DocumentSignatureVerifier.Start(ReadSignature(sig), entry), entry);
    }

    private static byte[] Replace(byte[] haystack, byte[] from, byte[] to)
    {
        var result = (byte[])haystack.Clone();
        int found = 0;
        for (int i = result.AsSpan().IndexOf(from); i >= 0; i = result.AsSpan().IndexOf(from))
        {
            to.CopyTo(result, i);
            found++;
        }

        Assert.True(found > 0, "the bytes to replace are in the signature");
        return result;
    }
}
