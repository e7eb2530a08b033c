using System.Security.Cryptography;
using Keel.Errors;

namespace Keel.Repository.Integrity;

/// <summary>An expected digest as rpm-md writes it: a type ("sha256", "sha", "md5", ...) and lowercase hex.</summary>
public sealed record Checksum(string Type, string Hex)
{
    /// <summary>Parses rpm-md's checksum type names; "sha" is yum's old spelling of sha1.</summary>
    public static Checksum Create(string type, string hex, string nameForErrors)
    {
        var t = type.Trim().ToLowerInvariant();
        var h = hex.Trim().ToLowerInvariant();
        int expectedLength = HexLength(t);
        if (expectedLength == 0)
        {
            throw new NotSupportedException($"{nameForErrors}: checksum type '{MessageText.Printable(type)}' is not supported (sha512, sha384, sha256, sha1, md5)");
        }

        if (h.Length != expectedLength || !h.All(char.IsAsciiHexDigit))
        {
            throw new InvalidDataException($"{nameForErrors}: '{MessageText.Printable(hex)}' is not a {t} checksum");
        }

        return new Checksum(t, h);
    }

    /// <summary>A new incremental hasher for this checksum's algorithm.</summary>
    public IncrementalHash CreateHasher() => IncrementalHash.CreateHash(Type switch
    {
        "sha512" => HashAlgorithmName.SHA512,
        "sha384" => HashAlgorithmName.SHA384,
        "sha256" => HashAlgorithmName.SHA256,
        "sha1" or "sha" => HashAlgorithmName.SHA1,
        "md5" => HashAlgorithmName.MD5,
        _ => throw new NotSupportedException($"checksum type '{Type}' is not supported"),
    });

    /// <summary>Hashes a whole stream and returns lowercase hex.</summary>
    public string Compute(Stream stream)
    {
        using var hasher = CreateHasher();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hasher.AppendData(buffer, 0, n);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hasher.GetHashAndReset());
    }

    /// <summary>Hashes a file and returns lowercase hex.</summary>
    public string ComputeFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Compute(fs);
    }

    /// <summary>Throws the standard mismatch error when <paramref name="actualHex"/> differs.</summary>
    public void Verify(string actualHex, string what)
    {
        if (!string.Equals(actualHex, Hex, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{what}: {Type} checksum mismatch: expected {Hex}, actual {actualHex}");
        }
    }

    public override string ToString() => $"{Type}:{Hex}";

    private static int HexLength(string type) => type switch
    {
        "sha512" => 128,
        "sha384" => 96,
        "sha256" => 64,
        "sha1" or "sha" => 40,
        "md5" => 32,
        _ => 0,
    };
}
