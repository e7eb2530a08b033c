using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Keel.OpenPgp.Tests;

/// <summary>
/// RsaModulusCheck refuses exactly the RSA public keys BouncyCastle's own conversion refuses (a prime modulus would let
/// anyone sign), with OpenSSL proving compositeness, and a key ring built on it refuses such a key.
/// </summary>
public sealed class RsaKeyValidityTests
{
    private static readonly BigInteger E = BigInteger.ValueOf(65537);
    private readonly SecureRandom _random = new();

    [Fact]
    public void OpenSsl_is_loaded_and_tells_a_prime_from_an_RSA_modulus()
    {
        var prime = BigInteger.ProbablePrime(2048, _random);
        Assert.True(RsaModulusCheck.OpenSslIsPrime(prime));
        Assert.False(RsaModulusCheck.OpenSslIsPrime(Modulus(2048)));
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    [InlineData(4096)]
    public void Real_RSA_moduli_pass(int bits) => Assert.Null(RsaModulusCheck.Problem(Modulus(bits), E));

    [Fact]
    public void Every_bad_key_is_refused_with_BouncyCastles_reason_and_BouncyCastle_refuses_it_too()
    {
        var prime = BigInteger.ProbablePrime(2048, _random);
        var cases = new (BigInteger N, BigInteger E, string Reason)[]
        {
            (prime, E, "not composite"),
            (Modulus(2048).ShiftLeft(1), E, "modulus is even"),
            (Modulus(2048).Multiply(BigInteger.ValueOf(743)), E, "small prime factor"),
            (Modulus(2048), BigInteger.ValueOf(65536), "publicExponent is even"),
        };
        foreach (var (n, e, reason) in cases)
        {
            var problem = RsaModulusCheck.Problem(n, e);
            Assert.NotNull(problem);
            Assert.Contains(reason, problem, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => new RsaKeyParameters(false, n, e));
        }
    }

    [Fact]
    public void Key_with_a_prime_modulus_is_unusable_on_both_paths()
    {
        var prime = BigInteger.ProbablePrime(2048, _random);
        var packet = new PublicKeyPacket(PublicKeyPacket.Version4, PublicKeyAlgorithmTag.RsaGeneral, DateTime.UtcNow, new RsaPublicBcpgKey(prime, E));
        var key = new PgpPublicKeyRing(packet.GetEncoded()).GetPublicKey();
        var cached = new CachedPublicKey(key);

        var refused = Assert.Throws<PgpException>(() => cached.Rsa);
        Assert.Contains("not composite", refused.Message, StringComparison.Ordinal);
        Assert.Throws<PgpException>(() => key.GetKey());
    }

    [Fact]
    public void Usable_key_is_imported_once_with_its_modulus()
    {
        var pair = Generate(3072);
        var key = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, pair, DateTime.UtcNow).PublicKey;
        var cached = new CachedPublicKey(key);
        var rsa = Assert.IsType<System.Security.Cryptography.RSA>(cached.Rsa, exactMatch: false);
        Assert.Same(rsa, cached.Rsa);
        Assert.Equal(((RsaKeyParameters)pair.Public).Modulus.ToByteArrayUnsigned(), rsa.ExportParameters(false).Modulus);
    }

    private BigInteger Modulus(int bits) => ((RsaKeyParameters)Generate(bits).Public).Modulus;

    private Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair Generate(int bits)
    {
        var gen = new RsaKeyPairGenerator();
        gen.Init(new RsaKeyGenerationParameters(E, _random, bits, 12));
        return gen.GenerateKeyPair();
    }
}
