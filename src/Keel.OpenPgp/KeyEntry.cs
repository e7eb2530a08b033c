using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;

namespace Keel.OpenPgp;

/// <summary>One usable or unusable key of a ring, indexed by key id.</summary>
/// <param name="KeyId">16 lower-case hex digits.</param>
/// <param name="Key">The parsed key, or null when it could not be parsed.</param>
/// <param name="Primary">The primary key this one is a subkey of, or null for a primary key.</param>
/// <param name="Problem">Why the key cannot verify signatures, or null when it can.</param>
/// <param name="Source">Where the key was loaded from, for messages.</param>
/// <param name="Policy">What the key's own signatures allow, or null when the key could not be parsed.</param>
internal sealed record KeyEntry(string KeyId, PgpPublicKey? Key, PgpPublicKey? Primary, string? Problem, string Source, KeyPolicy? Policy = null)
{
    // Converting an RSA key re-runs a Miller-Rabin check of its modulus (100-270 ms at 3072 bits), so it is done once per
    // key, on first use, and shared by every signature the key checks. Lazy caches a conversion failure too (same message
    // every time).
    private readonly Lazy<AsymmetricKeyParameter?> _verificationKey = new(() => Key?.GetKey());

    /// <summary>The key as BouncyCastle's signers take it, converted once; null when the key could not be parsed.</summary>
    /// <exception cref="PgpException">The key material is invalid.</exception>
    public AsymmetricKeyParameter? VerificationKey => _verificationKey.Value;
}
