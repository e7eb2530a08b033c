using System.Buffers.Binary;

namespace Keel.Inspection;

/// <summary>Recognises disk image containers and filesystems by their magic bytes, never by file name.</summary>
internal static class ContentProbe
{
    private static ReadOnlySpan<byte> Qcow2Magic => [(byte)'Q', (byte)'F', (byte)'I', 0xFB];

    private static ReadOnlySpan<byte> LuksMagic => [(byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE];

    /// <summary>The container format of an image file: raw, qcow2, vhd (fixed: raw data and a footer; or dynamic), vhdx.</summary>
    public static string ImageFormat(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var length = RandomAccess.GetLength(handle);
        Span<byte> head = stackalloc byte[8];
        var read = RandomAccess.Read(handle, head, 0);
        if (read >= 4 && head[..4].SequenceEqual(Qcow2Magic))
        {
            return "qcow2";
        }

        if (read == 8 && head.SequenceEqual("vhdxfile"u8))
        {
            return "vhdx";
        }

        if (read == 8 && head.SequenceEqual("conectix"u8))
        {
            return "vhd-dynamic";
        }

        Span<byte> footer = stackalloc byte[8];
        if (length >= 512 && RandomAccess.Read(handle, footer, length - 512) == 8 && footer.SequenceEqual("conectix"u8))
        {
            return "vhd-fixed";
        }

        return "raw";
    }

    /// <summary>The filesystem (or container) at <paramref name="offset"/> of <paramref name="path"/>: ext4, xfs, vfat, luks, swap or unknown.</summary>
    public static string Filesystem(string path, long offset)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var block = new byte[4096];
        var read = RandomAccess.Read(handle, block, offset);
        var data = block.AsSpan(0, read);
        if (data.Length >= 6 && data[..6].SequenceEqual(LuksMagic))
        {
            return "luks";
        }

        if (data.Length >= 4 && data[..4].SequenceEqual("XFSB"u8))
        {
            return "xfs";
        }

        // ext2/3/4: the superblock at 1024, s_magic 0xEF53 at offset 56 in it.
        if (data.Length >= 1024 + 58 && BinaryPrimitives.ReadUInt16LittleEndian(data[(1024 + 56)..]) == 0xEF53)
        {
            return "ext4";
        }

        if (data.Length >= 4096 && data.Slice(4086, 10).SequenceEqual("SWAPSPACE2"u8))
        {
            return "swap";
        }

        if (data.Length >= 512 && data[510] == 0x55 && data[511] == 0xAA
            && (data.Slice(0x52, 3).SequenceEqual("FAT"u8) || data.Slice(0x36, 3).SequenceEqual("FAT"u8)))
        {
            return "vfat";
        }

        return "unknown";
    }
}
