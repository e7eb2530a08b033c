namespace Keel.VirtualMachines;

/// <summary>What `keel vm run` boots and how: the image, an optional NoCloud seed, the text to wait for and the limits.</summary>
public sealed record VmRunOptions
{
    public const int MinMemoryMiB = 128;
    public const int MaxMemoryMiB = 64 * 1024;

    /// <summary>The disk image (raw, qcow2, VHD or VHDX; detected by content).</summary>
    public required string ImagePath { get; init; }

    /// <summary>A directory whose files (meta-data, user-data, ...) become a NoCloud "cidata" disk.</summary>
    public string? SeedDirectory { get; init; }

    /// <summary>How long the machine may run; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Stop with success as soon as this text appears on the console.</summary>
    public string? Expect { get; init; }

    /// <summary>Boot the image itself, so the guest's writes persist; otherwise a throwaway overlay takes them.</summary>
    public bool Keep { get; init; }

    public int MemoryMiB { get; init; } = 512;

    /// <summary>UEFI firmware code to use instead of Debian's OVMF/AAVMF.</summary>
    public string? FirmwarePath { get; init; }

    public VmArchitecture Architecture { get; init; } = VmArchitecture.X86_64;

    /// <summary>Where the per-run directory (overlay, firmware variables, seed) is made; default: the system temp directory.</summary>
    public string? TempRoot { get; init; }

    /// <summary>Throws ArgumentException for values out of range.</summary>
    public void Validate()
    {
        if (MemoryMiB is < MinMemoryMiB or > MaxMemoryMiB)
        {
            throw new ArgumentException($"--memory {MemoryMiB}: must be between {MinMemoryMiB} and {MaxMemoryMiB} MiB");
        }

        if (Timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--timeout {t.TotalSeconds}: must be positive");
        }

        if (Expect is { Length: 0 })
        {
            throw new ArgumentException("--expect: the text must not be empty");
        }
    }
}
