namespace Keel.VirtualMachines;

/// <summary>Disk image container formats recognised by content (never by file name).</summary>
public enum DiskImageFormat
{
    /// <summary>A plain disk: a GPT or MBR partition table at the start.</summary>
    Raw,
    Qcow2,

    /// <summary>Virtual PC / Azure VHD (fixed or dynamic); qemu calls it "vpc".</summary>
    Vhd,
    Vhdx,
}

/// <summary>Maps <see cref="DiskImageFormat"/> to qemu's format names.</summary>
public static class DiskImageFormatNames
{
    /// <summary>The name qemu and qemu-img use for <paramref name="format"/> (format=, -F).</summary>
    public static string QemuName(this DiskImageFormat format) => format switch
    {
        DiskImageFormat.Raw => "raw",
        DiskImageFormat.Qcow2 => "qcow2",
        DiskImageFormat.Vhd => "vpc",
        DiskImageFormat.Vhdx => "vhdx",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
