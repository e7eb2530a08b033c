using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;

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
internal sealed class KeyEntry(string keyId, PgpPublicKey? key, PgpPublicKey? primary, string? problem, string source, KeyPolicy? policy = null, CachedPublicKey? cached = null)
{
    // Conversions are made once per key and shared by every signature it checks (and, when the ring loader passes
    // them, by the self-signature checks of KeyPolicy).
    private readonly CachedPublicKey? _cached = cached ?? (key is null ? null : new CachedPublicKey(key));

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
    public AsymmetricKeyParameter? VerificationKey => _cached?.VerificationKey;

    /// <summary>The key as .NET's RSA (OpenSSL) takes it, imported once; null for other algorithms (see <see cref="CachedPublicKey.Rsa"/>).</summary>
    /// <exception cref="PgpException">The RSA key material is invalid.</exception>
    public RSA? Rsa => _cached?.Rsa;
}
