using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Keel.OpenPgp.Tests;

/// <summary>The key and signature policy rpm (Sequoia backend) and dnf enforce: expiry, revocation, key flags, back-signatures, digests.</summary>
public class OpenPgpPolicyTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("repomd.xml contents\n");

    [Fact]
    public void Signature_made_after_the_key_expired_is_refused_and_a_renewed_key_accepts_it()
    {
        using var gpg = new GpgHome();
        gpg.Run("--faked-system-time", "20200101T000000!", "--quick-gen-key", "Old <old@example.invalid>", "rsa2048", "sign", "1y");
        var fpr = gpg.Fingerprints("old@example.invalid")[0];
        var expiredKey = OpenPgpKeyRing.Parse(gpg.Export(fpr, armor: true), "old.asc");

        // Renew the key later, then sign: the old copy of the key says it expired before the signature.
        gpg.Run("--faked-system-time", "20220101T000000!", "--quick-set-expire", fpr, "10y");
        var sig = SignAt(gpg, fpr, "20220102T000000!");

        var refused = expiredKey.VerifyDetached(Data, sig);
        Assert.Equal(SignatureStatus.Bad, refused.Status);
        Assert.Contains(fpr[^16..], refused.Detail, StringComparison.Ordinal);
        Assert.Contains("expired", refused.Detail, StringComparison.Ordinal);

        var renewed = OpenPgpKeyRing.Parse(gpg.Export(fpr, armor: true), "renewed.asc");
        Assert.Equal(SignatureStatus.Good, renewed.VerifyDetached(Data, sig).Status);
    }

    [Fact]
    public void Signature_by_a_revoked_key_is_refused()
    {
        using var gpg = new GpgHome();
        var fpr = gpg.Generate("Rev <rev@example.invalid>", "ed25519");
        var sig = gpg.SignDetached(Data, fpr, armor: false);
        Assert.Equal(SignatureStatus.Good, OpenPgpKeyRing.Parse(gpg.Export(fpr, armor: true), "k.asc").VerifyDetached(Data, sig).Status);

        // gpg keeps a ready revocation certificate, defused by a leading colon.
        var rev = File.ReadAllText(Path.Combine(gpg.Dir, "openpgp-revocs.d", fpr.ToUpperInvariant() + ".rev")).Replace(":-----BEGIN", "-----BEGIN", StringComparison.Ordinal);
        var revPath = Path.Combine(gpg.Dir, "rev.asc");
        File.WriteAllText(revPath, rev);
        gpg.Run("--import", revPath);

        var check = OpenPgpKeyRing.Parse(gpg.Export(fpr, armor: true), "revoked.asc").VerifyDetached(Data, sig);
        Assert.Equal(SignatureStatus.Bad, check.Status);
        Assert.Contains("revoked", check.Detail, StringComparison.Ordinal);
        Assert.Contains(fpr[^16..], check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha1_data_signature_is_refused()
    {
        using var gpg = new GpgHome();
        var fpr = gpg.Generate("Sha <sha@example.invalid>", "rsa2048");
        var input = Path.Combine(gpg.Dir, "data");
        File.WriteAllBytes(input, Data);
        gpg.Run("--digest-algo", "SHA1", "--local-user", fpr + "!", "--output", input + ".sig", "--detach-sign", input);
        var check = OpenPgpKeyRing.Parse(gpg.Export(fpr, armor: true), "k.asc").VerifyDetached(Data, File.ReadAllBytes(input + ".sig"));
        Assert.Equal(SignatureStatus.Unsupported, check.Status);
        Assert.Contains("SHA-1", check.Detail, StringComparison.Ordinal);
        Assert.Contains(fpr[^16..], check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Subkey_without_the_signing_flag_is_refused()
    {
        var (ring, sig, subId) = SubkeySigned(KeyFlags.EncryptComms | KeyFlags.EncryptStorage, backSignature: false);
        var check = ring.VerifyDetached(Data, sig);
        Assert.Equal(SignatureStatus.Bad, check.Status);
        Assert.Equal(subId, check.KeyId);
        Assert.Contains("not certified for signing", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Signing_subkey_without_a_back_signature_is_refused_and_with_one_accepted()
    {
        var (ring, sig, subId) = SubkeySigned(KeyFlags.SignData, backSignature: false);
        var check = ring.VerifyDetached(Data, sig);
        Assert.Equal(SignatureStatus.Bad, check.Status);
        Assert.Contains("back-signature", check.Detail, StringComparison.Ordinal);
        Assert.Contains(subId, check.Detail, StringComparison.Ordinal);

        var (good, goodSig, _) = SubkeySigned(KeyFlags.SignData, backSignature: true);
        Assert.Equal(SignatureStatus.Good, good.VerifyDetached(Data, goodSig).Status);
    }

    private static byte[] SignAt(GpgHome gpg, string fpr, string time)
    {
        var input = Path.Combine(gpg.Dir, "data-" + Guid.NewGuid().ToString("n"));
        File.WriteAllBytes(input, Data);
        gpg.Run("--faked-system-time", time, "--local-user", fpr + "!", "--output", input + ".sig", "--detach-sign", input);
        return File.ReadAllBytes(input + ".sig");
    }

    /// <summary>gpg will not make these keys, so BouncyCastle builds a primary key with one subkey carrying <paramref name="flags"/>.</summary>
    private static (OpenPgpKeyRing Ring, byte[] Signature, string SubkeyId) SubkeySigned(int flags, bool backSignature)
    {
        var random = new SecureRandom();
        var gen = new RsaKeyPairGenerator();
        gen.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, 2048, 12));
        var now = DateTime.UtcNow.AddMinutes(-5);
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, gen.GenerateKeyPair(), now);
        var sub = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, gen.GenerateKeyPair(), now);

        var primaryHashed = new PgpSignatureSubpacketGenerator();
        primaryHashed.SetKeyFlags(false, KeyFlags.CertifyOther | KeyFlags.SignData);
        var ringGen = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, primary, "Built <built@example.invalid>", SymmetricKeyAlgorithmTag.Aes256, HashAlgorithmTag.Sha256, Array.Empty<char>(), false, primaryHashed.Generate(), null, random);

        var subHashed = new PgpSignatureSubpacketGenerator();
        subHashed.SetKeyFlags(false, flags);
        if (backSignature)
        {
            var back = new PgpSignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
            back.InitSign(PgpSignature.PrimaryKeyBinding, sub.PrivateKey);
            subHashed.AddEmbeddedSignature(false, back.GenerateCertification(primary.PublicKey, sub.PublicKey));
        }

        ringGen.AddSubKey(sub, subHashed.Generate(), null, HashAlgorithmTag.Sha256);
        var publicRing = ringGen.GeneratePublicKeyRing();

        var dataGen = new PgpSignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
        dataGen.InitSign(PgpSignature.BinaryDocument, sub.PrivateKey);
        var issuer = new PgpSignatureSubpacketGenerator();
        issuer.SetIssuerKeyID(false, sub.KeyId);
        issuer.SetSignatureCreationTime(false, DateTime.UtcNow.AddMinutes(-1));
        dataGen.SetHashedSubpackets(issuer.Generate());
        dataGen.Update(Data);
        return (OpenPgpKeyRing.Parse(publicRing.GetEncoded(), "built.pgp"), dataGen.Generate().GetEncoded(), ((ulong)sub.KeyId).ToString("x16"));
    }
}
