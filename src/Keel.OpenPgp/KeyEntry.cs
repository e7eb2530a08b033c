using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace Keel.OpenPgp;

/// <summary>One usable or unusable key of a ring, indexed by key id.</summary>
/// <param name="keyId">16 lower-case hex digits.</param>
/// <param name="key">The parsed key, or null when it could not be parsed.</param>
/// <param name="primary">The primary key this one is a subkey of, or null for a primary key.</param>
/// <param name="problem">Why the key cannot verify signatures, or null when it can.</param>
/// <param name="source">Where the key was loaded from, for messages.</param>
/// <param name="policy">What the key's own signatures allow, or null when the key could not be parsed.</param>
/// <remarks>
/// A class rather than a record: a <c>with</c> copy holding another key would keep the first key's cached conversion.
/// </remarks>
internal sealed class KeyEntry(string keyId, PgpPublicKey? key, PgpPublicKey? primary, string? problem, string source, KeyPolicy? policy = null)
{
    // Converting an RSA key re-runs a Miller-Rabin check of its modulus (100-270 ms at 3072 bits), so it is done once per
    // key, on first use, and shared by every signature the key checks. Lazy also keeps a conversion failure, so every
    // signature by a broken key reports the same message.
    private readonly Lazy<AsymmetricKeyParameter?> _verificationKey = new(() => key?.GetKey());

    /// <summary>16 lower-case hex digits.</summary>
    public string KeyId { get; } = keyId;

    /// <summary>The parsed key, or null when it could not be parsed.</summary>
    public PgpPublicKey? Key { get; } = key;

    /// <summary>The primary key this one is a subkey of, or null for a primary key.</summary>
    public PgpPublicKey? Primary { get; } = primary;

    /// <summary>Why the key cannot verify signatures, or null when it can.</summary>
    public string? Problem { get; } = problem;

    /// <summary>Where the key was loaded from, for messages.</summary>
    public string Source { get; } = source;

    /// <summary>What the key's own signatures allow, or null when the key could not be parsed.</summary>
    public KeyPolicy? Policy { get; } = policy;

    /// <summary>The key as BouncyCastle's signers take it, converted once; null when the key could not be parsed.</summary>
    /// <exception cref="PgpException">The key material is invalid.</exception>
    public AsymmetricKeyParameter? VerificationKey => _verificationKey.Value;

    /// <summary>
    /// An RSA public key as .NET's RSA (OpenSSL) takes it, imported once from the validated conversion; null for other
    /// algorithms, or when OpenSSL refuses the parameters (the BouncyCastle path then checks the signature).
    /// </summary>
    /// <remarks>BouncyCastle's managed RSA public operation costs ~1 ms per signature; OpenSSL's, microseconds.</remarks>
    public RSA? Rsa => LazyInitializer.EnsureInitialized(ref _rsa, ref _rsaImported, ref _rsaLock, () => ImportRsa(VerificationKey));

    private RSA? _rsa;
    private bool _rsaImported;
    private object? _rsaLock;

    // From BouncyCastle's conversion, so the modulus has passed its validity check (once, shared with VerificationKey).
    private static RSA? ImportRsa(AsymmetricKeyParameter? converted)
    {
        if (converted is not RsaKeyParameters { IsPrivate: false } rsa)
        {
            return null;
        }

        var imported = RSA.Create();
        try
        {
            imported.ImportParameters(new RSAParameters { Modulus = rsa.Modulus.ToByteArrayUnsigned(), Exponent = rsa.Exponent.ToByteArrayUnsigned() });
            return imported;
        }
        catch (CryptographicException)
        {
            imported.Dispose();
            return null;
        }
    }
}
