using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;

namespace Keel.OpenPgp;

/// <summary>What a key's own signatures say about it: revoked, expiring, allowed to sign (rpm's Sequoia policy).</summary>
/// <param name="Refusal">Why signatures by this key are refused whatever they cover, or null.</param>
/// <param name="Expires">When the key expires, or null when it never does.</param>
internal sealed record KeyPolicy(string? Refusal, DateTime? Expires)
{
    /// <summary>Sequoia's standard policy stops trusting SHA-1 self-signatures and bindings from this date on.</summary>
    private static readonly DateTime Sha1BindingCutoff = new(2023, 2, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Judges a primary key from its verified self-signatures and revocations.</summary>
    public static KeyPolicy ForPrimary(CachedPublicKey cachedPrimary, string id)
    {
        ArgumentNullException.ThrowIfNull(cachedPrimary);
        var primary = cachedPrimary.Key;
        if (HasValid(primary.GetSignaturesOfType(PgpSignature.KeyRevocation), cachedPrimary, new Certified(primary)))
        {
            return new KeyPolicy($"key {id} is revoked", null);
        }

        PgpSignature? newest = null;
        foreach (var uid in primary.GetUserIds().OfType<string>())
        {
            // BouncyCastle finds a user id's signatures by re-encoding the decoded string, so an id that is not valid
            // UTF-8 has none (null): it certifies nothing, which is the safe reading.
            foreach (PgpSignature sig in primary.GetSignaturesForId(uid) ?? [])
            {
                if (sig.SignatureType is >= PgpSignature.DefaultCertification and <= PgpSignature.PositiveCertification
                    && (newest is null || sig.CreationTime > newest.CreationTime)
                    && Verifies(sig, cachedPrimary, new Certified(primary, UserId: uid)))
                {
                    newest = sig;
                }
            }
        }

        if (newest is null)
        {
            return new KeyPolicy($"key {id} has no valid self-signature", null);
        }

        var flags = newest.GetHashedSubPackets()?.GetKeyFlags() ?? 0;
        var refusal = flags != 0 && (flags & KeyFlags.SignData) == 0 ? $"key {id} is not certified for signing (key flags 0x{flags:x2})" : null;
        return new KeyPolicy(refusal, ExpiryOf(primary, newest));
    }

    /// <summary>Judges a subkey from its verified binding signature, its primary key back-signature and revocations.</summary>
    public static KeyPolicy ForSubkey(CachedPublicKey cachedPrimary, KeyPolicy primaryPolicy, CachedPublicKey cachedSubkey, string id)
    {
        ArgumentNullException.ThrowIfNull(cachedPrimary);
        ArgumentNullException.ThrowIfNull(primaryPolicy);
        ArgumentNullException.ThrowIfNull(cachedSubkey);
        var (primary, subkey) = (cachedPrimary.Key, cachedSubkey.Key);
        if (primaryPolicy.Refusal is { } inherited && !inherited.Contains("not certified", StringComparison.Ordinal))
        {
            return new KeyPolicy($"subkey {id}: {inherited}", primaryPolicy.Expires);
        }

        if (HasValid(subkey.GetSignaturesOfType(PgpSignature.SubkeyRevocation), cachedPrimary, new Certified(primary, Subkey: subkey)))
        {
            return new KeyPolicy($"subkey {id} is revoked", null);
        }

        PgpSignature? binding = null;
        foreach (PgpSignature sig in subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding))
        {
            if ((binding is null || sig.CreationTime > binding.CreationTime) && Verifies(sig, cachedPrimary, new Certified(primary, Subkey: subkey)))
            {
                binding = sig;
            }
        }

        if (binding is null)
        {
            return new KeyPolicy($"subkey {id} has no valid binding signature", null);
        }

        var expires = Earliest(ExpiryOf(subkey, binding), primaryPolicy.Expires);
        var flags = binding.GetHashedSubPackets()?.GetKeyFlags() ?? 0;
        if ((flags & KeyFlags.SignData) == 0)
        {
            return new KeyPolicy($"subkey {id} is not certified for signing (key flags 0x{flags:x2})", expires);
        }

        // A signing subkey must sign the primary back (0x19), or anyone could claim someone else's signing key as theirs.
        var backs = new List<PgpSignature>();
        foreach (var vector in new[] { binding.GetHashedSubPackets(), binding.GetUnhashedSubPackets() })
        {
            if (vector?.GetEmbeddedSignatures() is { } list)
            {
                for (int i = 0; i < list.Count; i++)
                {
                    backs.Add(list[i]);
                }
            }
        }

        bool backed = backs.Any(b => b.SignatureType == PgpSignature.PrimaryKeyBinding && Verifies(b, cachedSubkey, new Certified(primary, Subkey: subkey)));
        return backed ? new KeyPolicy(null, expires) : new KeyPolicy($"signing subkey {id} has no valid primary key back-signature", expires);
    }

    private static DateTime? ExpiryOf(PgpPublicKey key, PgpSignature selfSignature)
    {
        var seconds = selfSignature.GetHashedSubPackets()?.GetKeyExpirationTime() ?? 0;
        return seconds == 0 ? null : key.CreationTime.ToUniversalTime().AddSeconds(seconds);
    }

    private static DateTime? Earliest(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : (a < b ? a : b);

    private static bool HasValid(IEnumerable<PgpSignature> sigs, CachedPublicKey signer, Certified what) =>
        sigs.Any(s => Verifies(s, signer, what));

    private static bool Verifies(PgpSignature sig, CachedPublicKey signer, Certified what)
    {
        if (sig.HashAlgorithm is HashAlgorithmTag.MD5 or HashAlgorithmTag.MD2
            || (sig.HashAlgorithm is HashAlgorithmTag.Sha1 or HashAlgorithmTag.RipeMD160 && sig.CreationTime.ToUniversalTime() >= Sha1BindingCutoff))
        {
            return false;
        }

        try
        {
            if (sig.Version == 4
                && sig.KeyAlgorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign
                && DocumentSignatureVerifier.PlatformHash(sig.HashAlgorithm) is { } hashName
                && signer.Rsa is { } rsa)
            {
                return VerifiesOnPlatformRsa(sig, rsa, hashName, what);
            }

            sig.InitVerify(signer.Key);
            return what.Subkey is { } subkey ? sig.VerifyCertification(what.Primary, subkey)
                : what.UserId is { } uid ? sig.VerifyCertification(uid, what.Primary)
                : sig.VerifyCertification(what.Primary);
        }
        catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidOperationException or NotSupportedException
            or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            // An unreadable signature proves nothing; the caller treats it as absent. SecurityUtilityException is
            // BouncyCastle's "no signer for this algorithm pair" (e.g. SHA256withElGamal, found by bench/fuzz).
            return false;
        }
    }

    // What BouncyCastle's VerifyCertification hashes for a v4 signature (RFC 4880 5.2.4): the primary key, then the user id
    // or the subkey, then the signature trailer; checked with the signer's cached .NET RSA instead of a fresh conversion.
    private static bool VerifiesOnPlatformRsa(PgpSignature sig, RSA rsa, HashAlgorithmName hashName, Certified what)
    {
        using var hash = IncrementalHash.CreateHash(hashName);
        AppendKey(hash, what.Primary);
        if (what.Subkey is { } subkey)
        {
            AppendKey(hash, subkey);
        }
        else if (what.UserId is { } uid)
        {
            byte[] id = Encoding.UTF8.GetBytes(uid);
            Span<byte> header = [0xb4, 0, 0, 0, 0];
            BinaryPrimitives.WriteInt32BigEndian(header[1..], id.Length);
            hash.AppendData(header);
            hash.AppendData(id);
        }

        hash.AppendData(sig.GetSignatureTrailer());
        return DocumentSignatureVerifier.VerifyPkcs1(rsa, hash.GetHashAndReset(), sig.GetSignature(), hashName);
    }

    private static void AppendKey(IncrementalHash hash, PgpPublicKey key)
    {
        byte[] body = key.PublicKeyPacket.GetEncodedContents();
        hash.AppendData([0x99, (byte)(body.Length >> 8), (byte)body.Length]);
        hash.AppendData(body);
    }

    /// <summary>What a certification signature covers: the primary key alone, with a user id, or with a subkey.</summary>
    private sealed record Certified(PgpPublicKey Primary, string? UserId = null, PgpPublicKey? Subkey = null);
}
