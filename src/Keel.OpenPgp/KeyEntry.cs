using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Keel.OpenPgp;

/// <summary>One usable or unusable key of a ring, indexed by key id.</summary>
/// <param name="KeyId">16 lower-case hex digits.</param>
/// <param name="Key">The parsed key, or null when it could not be parsed.</param>
/// <param name="Primary">The primary key this one is a subkey of, or null for a primary key.</param>
/// <param name="Problem">Why the key cannot verify signatures, or null when it can.</param>
/// <param name="Source">Where the key was loaded from, for messages.</param>
/// <param name="Policy">What the key's own signatures allow, or null when the key could not be parsed.</param>
internal sealed record KeyEntry(string KeyId, PgpPublicKey? Key, PgpPublicKey? Primary, string? Problem, string Source, KeyPolicy? Policy = null);
