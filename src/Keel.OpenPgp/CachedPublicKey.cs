using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;

namespace Keel.OpenPgp;

/// <summary>One parsed public key with its conversions for signature checks, each made at most once per key.</summary>
/// <remarks>
/// BouncyCastle converts a key anew (and re-proves an RSA modulus composite) on every <see cref="PgpSignature.InitVerify"/>;
/// a key ring's self-signatures, bindings and every data signature share this one object instead. Lazy also keeps a
/// conversion failure, so every signature by a broken key reports the same message.
/// </remarks>
internal sealed class CachedPublicKey
{
    private readonly Lazy<AsymmetricKeyParameter> _bouncyCastle;
    private readonly Lazy<RSA?> _rsa;

    /// <summary>Wraps <paramref name="key"/>; nothing is converted until a signature needs it.</summary>
    public CachedPublicKey(PgpPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        _bouncyCastle = new Lazy<AsymmetricKeyParameter>(key.GetKey);
        _rsa = new Lazy<RSA?>(() => ImportRsa(key));
    }

    /// <summary>The parsed key.</summary>
    public PgpPublicKey Key { get; }

    /// <summary>The key as BouncyCastle's signers take it (non-RSA keys, SHA-224, text signatures).</summary>
    /// <exception cref="PgpException">The key material is invalid.</exception>
    public AsymmetricKeyParameter VerificationKey => _bouncyCastle.Value;

    /// <summary>
    /// An RSA public key as .NET's RSA (OpenSSL) takes it, after BouncyCastle's validity checks (<see cref="RsaModulusCheck"/>);
    /// null for other algorithms, or when OpenSSL refuses the parameters (BouncyCastle's path then checks the signature).
    /// </summary>
    /// <remarks>BouncyCastle's managed RSA public operation costs ~1 ms per signature; OpenSSL's, microseconds.</remarks>
    /// <exception cref="PgpException">The RSA key material is invalid.</exception>
    public RSA? Rsa => _rsa.Value;

    private static RSA? ImportRsa(PgpPublicKey key)
    {
        if (key.Algorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign)
            || key.PublicKeyPacket.Key is not RsaPublicBcpgKey material)
        {
            return null;
        }

        if (RsaModulusCheck.Problem(material.Modulus, material.PublicExponent) is { } problem)
        {
            throw new PgpException($"RSA key {KeyIdCalculator.Format(key.KeyId)} is unusable: {problem}");
        }

        var imported = RSA.Create();
        try
        {
            imported.ImportParameters(new RSAParameters
            {
                Modulus = material.Modulus.ToByteArrayUnsigned(),
                Exponent = material.PublicExponent.ToByteArrayUnsigned(),
            });
            return imported;
        }
        catch (CryptographicException)
        {
            imported.Dispose();
            return null;
        }
    }
}
