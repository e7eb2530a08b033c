using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Keel.DiskImages;

/// <summary>Derives stable identifiers from a seed (config `seed:` + purpose), RFC 4122 version 5 (SHA-1, name-based); random when the seed is null.</summary>
public static class StableIds
{
    /// <summary>The namespace of every Keel-derived identifier, so the same seed never collides with another tool's v5 ids.</summary>
    public static readonly Guid Namespace = new("6b65656c-2d64-4973-8b2d-696d61676573");

    /// <summary>A v5 UUID of <paramref name="seed"/> and <paramref name="purpose"/> (e.g. "partition:root"); a random v4 UUID when <paramref name="seed"/> is null.</summary>
    public static Guid Derive(string? seed, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        if (seed is null)
        {
            return Guid.NewGuid();
        }

        // The name keeps seed and purpose apart with a NUL, so ("a", "bc") and ("ab", "c") differ.
        var name = Encoding.UTF8.GetBytes(seed + "\0" + purpose);
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 4122 version 5 is defined over SHA-1; it names ids, it does not protect anything.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>A 32-bit volume serial (FAT volume ID) taken from the first four bytes of <paramref name="g"/> as written in text.</summary>
    public static uint VolumeId(Guid g)
    {
        Span<byte> bytes = stackalloc byte[16];
        g.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
