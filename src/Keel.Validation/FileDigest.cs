using System.Security.Cryptography;

namespace Keel.Validation;

/// <summary>rpm's file digest algorithms (FILEDIGESTALGO, OpenPGP hash ids) as .NET hashes.</summary>
internal static class FileDigest
{
    /// <summary>1 MD5, 2 SHA-1, 8 SHA-256, 9 SHA-384, 10 SHA-512; null for anything else.</summary>
    public static HashAlgorithmName? Algorithm(int pgpHashId) => pgpHashId switch
    {
        1 => HashAlgorithmName.MD5,
        2 => HashAlgorithmName.SHA1,
        8 => HashAlgorithmName.SHA256,
        9 => HashAlgorithmName.SHA384,
        10 => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>Lower-case hex digest of <paramref name="data"/>, or null when the algorithm is unknown.</summary>
    public static string? Of(ReadOnlySpan<byte> data, int pgpHashId)
    {
        if (Algorithm(pgpHashId) is not { } name)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(name);
        hash.AppendData(data);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
