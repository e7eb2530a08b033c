using System.Security.Cryptography;

namespace Keel.Rpm;

/// <summary>Maps rpm's digest algorithm ids (the OpenPGP hash ids) to .NET hashes.</summary>
internal static class RpmDigests
{
    public const int Sha256 = 8;

    public static IncrementalHash? Create(int pgpHashId) => pgpHashId switch
    {
        1 => IncrementalHash.CreateHash(HashAlgorithmName.MD5),
        2 => IncrementalHash.CreateHash(HashAlgorithmName.SHA1),
        8 => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        9 => IncrementalHash.CreateHash(HashAlgorithmName.SHA384),
        10 => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        12 when SHA3_256.IsSupported => IncrementalHash.CreateHash(HashAlgorithmName.SHA3_256),
        14 when SHA3_512.IsSupported => IncrementalHash.CreateHash(HashAlgorithmName.SHA3_512),
        _ => null,
    };

    public static string Name(int pgpHashId) => Keel.OpenPgp.OpenPgpSignatureInfo.HashName(pgpHashId);
}
