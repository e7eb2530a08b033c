using System.Buffers.Binary;

namespace Keel.DiskImages;

/// <summary>Rewrites the two non-deterministic fields of a fixed VHD's 512-byte footer (time stamp, unique ID) and its checksum.</summary>
internal static class VhdFooter
{
    private const int Size = 512;
    private const int TimeStampOffset = 24;
    private const int ChecksumOffset = 64;
    private const int UniqueIdOffset = 68;

    /// <summary>VHD times count seconds from 2000-01-01T00:00:00Z.</summary>
    private const long VhdEpoch = 946_684_800;

    public static void MakeReproducible(string path, long sourceDateEpoch, Guid? diskGuid)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        long at = RandomAccess.GetLength(handle) - Size;
        var footer = new byte[Size];
        if (at < 0 || RandomAccess.Read(handle, footer, at) != Size || !footer.AsSpan(0, 8).SequenceEqual("conectix"u8))
        {
            throw new InvalidDataException($"{path}: no VHD footer in the last {Size} bytes");
        }

        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(TimeStampOffset), (uint)Math.Clamp(sourceDateEpoch - VhdEpoch, 0, uint.MaxValue));
        var id = StableIds.Derive((diskGuid ?? Guid.Empty).ToString("D") + "@" + sourceDateEpoch, "vhd-unique-id");
        id.TryWriteBytes(footer.AsSpan(UniqueIdOffset, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(ChecksumOffset), Checksum(footer));
        RandomAccess.Write(handle, footer, at);
    }

    /// <summary>The footer checksum: the one's complement of the byte sum with the checksum field counted as zero.</summary>
    public static uint Checksum(ReadOnlySpan<byte> footer)
    {
        uint sum = 0;
        for (int i = 0; i < footer.Length; i++)
        {
            if (i is < ChecksumOffset or >= ChecksumOffset + 4)
            {
                sum += footer[i];
            }
        }

        return ~sum;
    }
}
