using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Keel.OpenPgp;

/// <summary>
/// Checks one binary document signature against data fed to it, using the signing key's RSA parameters converted once per
/// key (<see cref="KeyEntry.Rsa"/>, <see cref="KeyEntry.VerificationKey"/>) rather than once per signature.
/// </summary>
/// <remarks>
/// BouncyCastle's <see cref="PgpSignature.InitVerify"/> calls <see cref="PgpPublicKey.GetKey"/>, which builds a new
/// <see cref="RsaKeyParameters"/> and so re-runs its Miller-Rabin validity check of the modulus (100-270 ms for a 3072-bit
/// key) for every signature. This class hashes exactly what <see cref="PgpSignature.Update(ReadOnlySpan{byte})"/> and
/// <see cref="PgpSignature.Verify"/> hash for a v3/v4 binary document (the data, then the signature trailer:
/// the hashed subpacket area and its length trailer), and checks PKCS#1 v1.5 with .NET's <see cref="RSA"/> (OpenSSL)
/// imported once per key after the same validity checks (<see cref="RsaModulusCheck"/>; SHA-224, which .NET does not name, with BouncyCastle's
/// <see cref="RsaDigestSigner"/> on the same cached key). Everything else (text signatures, DSA, ECDSA, EdDSA, other hashes) goes through
/// BouncyCastle's own path unchanged.
/// </remarks>
internal sealed class DocumentSignatureVerifier
{
    private readonly PgpSignature _signature;
    private readonly ISigner? _signer;

    private readonly RSA? _rsa;
    private readonly IncrementalHash? _hash;
    private readonly HashAlgorithmName _hashName;

    private DocumentSignatureVerifier(PgpSignature signature, ISigner? signer)
    {
        _signature = signature;
        _signer = signer;
    }

    private DocumentSignatureVerifier(PgpSignature signature, RSA rsa, HashAlgorithmName hashName)
    {
        _signature = signature;
        _rsa = rsa;
        _hashName = hashName;
        _hash = IncrementalHash.CreateHash(hashName);
    }

    /// <summary>True when the signature is hashed by Keel with the key's cached parameters (false: BouncyCastle's path).</summary>
    public bool UsesCachedKey => _signer is not null || _rsa is not null;

    /// <summary>True when the RSA public operation runs in .NET's RSA (OpenSSL) rather than in BouncyCastle's managed one.</summary>
    public bool UsesPlatformRsa => _rsa is not null;

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
            && DigestName(signature.HashAlgorithm) is { } digest)
        {
            // Rsa first: it validates the key without BouncyCastle's conversion, which is only made when needed.
            if (PlatformHash(signature.HashAlgorithm) is { } hashName && entry.Rsa is { } rsa)
            {
                return new DocumentSignatureVerifier(signature, rsa, hashName);
            }

            if (entry.VerificationKey is not RsaKeyParameters { IsPrivate: false } key)
            {
                signature.InitVerify(entry.Key);
                return new DocumentSignatureVerifier(signature, null);
            }

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
        if (_hash is not null)
        {
            _hash.AppendData(data);
        }
        else if (_signer is null)
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
        if (_hash is not null && _rsa is not null)
        {
            // The same bytes RsaDigestSigner would hash: the data, then the trailer (hashed subpackets and their length).
            _hash.AppendData(_signature.GetSignatureTrailer());
            return VerifyPkcs1(_rsa, _hash.GetHashAndReset(), _signature.GetSignature(), _hashName);
        }

        if (_signer is null)
        {
            return _signature.Verify();
        }

        var trailer = _signature.GetSignatureTrailer();
        _signer.BlockUpdate(trailer, 0, trailer.Length);
        return _signer.VerifySignature(_signature.GetSignature());
    }

    /// <summary>Checks an OpenPGP RSA signature value (<paramref name="mpi"/>) over <paramref name="digest"/> with PKCS#1 v1.5.</summary>
    internal static bool VerifyPkcs1(RSA rsa, byte[] digest, byte[] mpi, HashAlgorithmName hashName)
    {
        // An OpenPGP MPI drops leading zero bytes; PKCS#1 wants the signature as long as the modulus.
        int length = (rsa.KeySize + 7) / 8;
        if (mpi.Length > length)
        {
            return false;
        }

        byte[] padded = new byte[length];
        mpi.CopyTo(padded, length - mpi.Length);
        return rsa.VerifyHash(digest, padded, hashName, RSASignaturePadding.Pkcs1);
    }

    /// <summary>The .NET name of a hash .NET's RSA verifies; null leaves the signature to BouncyCastle.</summary>
    // SHA-224 has no HashAlgorithmName: it stays on BouncyCastle's signer, with the cached key.
    internal static HashAlgorithmName? PlatformHash(HashAlgorithmTag hash) => hash switch
    {
        HashAlgorithmTag.Sha256 => HashAlgorithmName.SHA256,
        HashAlgorithmTag.Sha384 => HashAlgorithmName.SHA384,
        HashAlgorithmTag.Sha512 => HashAlgorithmName.SHA512,
        _ => null,
    };

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
