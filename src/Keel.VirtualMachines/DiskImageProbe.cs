using System.Buffers.Binary;

namespace Keel.VirtualMachines;

/// <summary>Tells a disk image's format from its first and last bytes, so qemu is never left to guess.</summary>
public static class DiskImageProbe
{
    private const int SectorSize = 512;

    /// <summary>Detects the format of the image at <paramref name="path"/>; throws InvalidDataException naming it when it is not a disk image.</summary>
    public static DiskImageFormat Detect(string path) =>
        TryDetect(path) ?? throw new InvalidDataException($"{path}: not a disk image (no GPT or MBR partition table, and not qcow2, VHD or VHDX)");

    /// <summary>
    /// The format of a disk the guest writes to (`--disk`): a container format when its magic is there, otherwise raw, whatever
    /// the content. A blank disk, all zeros, is the usual install target and has no partition table yet.
    /// </summary>
    public static DiskImageFormat DetectWritable(string path) => TryDetect(path) ?? DiskImageFormat.Raw;

    /// <summary>True when <paramref name="path"/> holds an ISO 9660 (or UDF) filesystem: a volume descriptor at 32 KiB.</summary>
    public static bool IsOpticalImage(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> id = stackalloc byte[5];
        // The first volume descriptor sits at sector 16 (of 2048 bytes); its identifier follows a type byte.
        return RandomAccess.Read(file, id, (16 * 2048) + 1) == id.Length && (id.SequenceEqual("CD001"u8) || id.SequenceEqual("BEA01"u8));
    }

    private static DiskImageFormat? TryDetect(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = RandomAccess.GetLength(file);
        Span<byte> head = stackalloc byte[SectorSize * 2];
        var read = RandomAccess.Read(file, head, 0);
        head = head[..read];

        if (head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == 0x514649FB)
        {
            return DiskImageFormat.Qcow2;
        }

        if (head.StartsWith("vhdxfile"u8))
        {
            return DiskImageFormat.Vhdx;
        }

        // A dynamic VHD starts with a copy of its footer; a fixed VHD is raw data plus a footer.
        if (head.StartsWith("conectix"u8))
        {
            return DiskImageFormat.Vhd;
        }

        if (length >= SectorSize * 2 && length % SectorSize == 0)
        {
            Span<byte> footer = stackalloc byte[8];
            if (RandomAccess.Read(file, footer, length - SectorSize) == footer.Length && footer.SequenceEqual("conectix"u8))
            {
                return DiskImageFormat.Vhd;
            }
        }

        // GPT disks carry a protective MBR, so the boot signature covers both.
        if (head.Length >= SectorSize && head[510] == 0x55 && head[511] == 0xAA)
        {
            return DiskImageFormat.Raw;
        }

        return null;
    }
}
