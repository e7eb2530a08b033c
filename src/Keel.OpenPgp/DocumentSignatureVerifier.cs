using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Keel.OpenPgp;

/// <summary>
/// Checks one binary document signature against data fed to it, using the signing key's RSA parameters converted once per
/// key (<see cref="KeyEntry.VerificationKey"/>) rather than once per signature.
/// </summary>
/// <remarks>
/// BouncyCastle's <see cref="PgpSignature.InitVerify"/> calls <see cref="PgpPublicKey.GetKey"/>, which builds a new
/// <see cref="RsaKeyParameters"/> and so re-runs its Miller-Rabin validity check of the modulus (100-270 ms for a 3072-bit
/// key) for every signature. This class hashes exactly what <see cref="PgpSignature.Update(ReadOnlySpan{byte})"/> and
/// <see cref="PgpSignature.Verify"/> hash for a v3/v4 binary document (the data, then the signature trailer:
/// the hashed subpacket area and its length trailer) into the same BouncyCastle <see cref="RsaDigestSigner"/>, with the
/// same PKCS#1 v1.5 check. Everything else (text signatures, DSA, ECDSA, EdDSA, other hashes) goes through
/// BouncyCastle's own path unchanged.
/// </remarks>
internal sealed class DocumentSignatureVerifier
{
    private readonly PgpSignature _signature;
    private readonly ISigner? _signer;

    private DocumentSignatureVerifier(PgpSignature signature, ISigner? signer)
    {
        _signature = signature;
        _signer = signer;
    }

    /// <summary>True when the signature is hashed by Keel with the key's cached parameters (false: BouncyCastle's path).</summary>
    public bool UsesCachedKey => _signer is not null;

    /// <summary>Prepares checking <paramref name="signature"/> by <paramref name="entry"/>'s key.</summary>
    /// <exception cref="PgpException">The key cannot be used with this signature.</exception>
    public static DocumentSignatureVerifier Start(PgpSignature signature, KeyEntry entry)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(entry);
        // BouncyCastle 2.7 reads v3 and v4 signatures only (v6 keys are refused when the ring is loaded).
        if (signature.Version is 3 or 4
            && signature.SignatureType == PgpSignature.BinaryDocument
            && signature.KeyAlgorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign
            && DigestName(signature.HashAlgorithm) is { } digest
            && entry.VerificationKey is RsaKeyParameters { IsPrivate: false } key)
        {
            var signer = new RsaDigestSigner(DigestUtilities.GetDigest(digest));
            signer.Init(false, key);
            return new DocumentSignatureVerifier(signature, signer);
        }

        signature.InitVerify(entry.Key);
        return new DocumentSignatureVerifier(signature, null);
    }

    /// <summary>Adds signed data.</summary>
    public void Update(ReadOnlySpan<byte> data)
    {
        if (_signer is null)
        {
            _signature.Update(data);
        }
        else
        {
            _signer.BlockUpdate(data);
        }
    }

    /// <summary>Hashes the signature trailer and checks the signature value; true when it matches the data.</summary>
    public bool Verify()
    {
        if (_signer is null)
        {
            return _signature.Verify();
        }

        var trailer = _signature.GetSignatureTrailer();
        _signer.BlockUpdate(trailer, 0, trailer.Length);
        return _signer.VerifySignature(_signature.GetSignature());
    }

    /// <summary>BouncyCastle digest names of the hashes accepted for RSA data signatures; null leaves the signature to BouncyCastle.</summary>
    private static string? DigestName(HashAlgorithmTag hash) => hash switch
    {
        HashAlgorithmTag.Sha224 => "SHA-224",
        HashAlgorithmTag.Sha256 => "SHA-256",
        HashAlgorithmTag.Sha384 => "SHA-384",
        HashAlgorithmTag.Sha512 => "SHA-512",
        _ => null,
    };
}
