using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Keel.OpenPgp;

/// <summary>Computes key ids from raw key packet bodies, so keys Keel cannot use can still be named.</summary>
internal static class KeyIdCalculator
{
    /// <summary>The 16-hex-digit key id of a public key or subkey packet body, or null when the body is too short to tell.</summary>
    public static string? FromKeyPacket(ReadOnlySpan<byte> body)
    {
        if (body.Length < 1)
        {
            return null;
        }

        switch (body[0])
        {
            case 2:
            case 3:
                // v3: the low 64 bits of the RSA modulus, the first MPI after version, time, validity and algorithm.
                if (body.Length < 10)
                {
                    return null;
                }

                int bits = BinaryPrimitives.ReadUInt16BigEndian(body[8..]);
                int bytes = (bits + 7) / 8;
                return bytes >= 8 && body.Length >= 10 + bytes ? Convert.ToHexStringLower(body.Slice(10 + bytes - 8, 8)) : null;
            case 4:
                {
                    Span<byte> prefix = [0x99, (byte)(body.Length >> 8), (byte)body.Length];
                    using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                    sha1.AppendData(prefix);
                    sha1.AppendData(body);
                    return Convert.ToHexStringLower(sha1.GetHashAndReset().AsSpan(12, 8));
                }

            case 5:
            case 6:
                {
                    Span<byte> prefix = stackalloc byte[5];
                    prefix[0] = body[0] == 6 ? (byte)0x9b : (byte)0x9a;
                    BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)body.Length);
                    using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    sha256.AppendData(prefix);
                    sha256.AppendData(body);
                    return Convert.ToHexStringLower(sha256.GetHashAndReset().AsSpan(0, 8));
                }

            default:
                return null;
        }
    }

    public static string Format(long keyId) => ((ulong)keyId).ToString("x16");
}
