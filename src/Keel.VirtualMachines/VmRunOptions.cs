namespace Keel.VirtualMachines;

/// <summary>What `keel vm run` boots and how: the image or media, extra disks, an optional NoCloud seed, the network, the text to wait for and the limits.</summary>
public sealed record VmRunOptions
{
    public const int MinMemoryMiB = 128;
    public const int MaxMemoryMiB = 64 * 1024;

    /// <summary>Guest memory when none is asked for; an installer medium needs 2048.</summary>
    public const int DefaultMemoryMiB = 512;

    /// <summary>The disk image to boot (raw, qcow2, VHD or VHDX; detected by content), the first disk; null when booting from <see cref="CdromPath"/> or <see cref="UsbPath"/>.</summary>
    public string? ImagePath { get; init; }

    /// <summary>An ISO image attached as a read-only CD-ROM (AHCI on q35, SCSI on virt).</summary>
    public string? CdromPath { get; init; }

    /// <summary>A disk image attached as a USB stick (qemu-xhci + usb-storage), read-only unless <see cref="UsbWritable"/>.</summary>
    public string? UsbPath { get; init; }

    /// <summary>Let the guest write to the USB image, in place.</summary>
    public bool UsbWritable { get; init; }

    /// <summary>Extra virtio disks, written in place (no overlay): the disks an installer installs onto. Raw or qcow2, by content.</summary>
    public IReadOnlyList<string> Disks { get; init; } = [];

    /// <summary>A directory whose files (meta-data, user-data, ...) become a NoCloud "cidata" disk.</summary>
    public string? SeedDirectory { get; init; }

    /// <summary>How long the machine may run; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Stop with success as soon as this text appears on the console.</summary>
    public string? Expect { get; init; }

    /// <summary>Boot the image itself, so the guest's writes persist; otherwise a throwaway overlay takes them.</summary>
    public bool Keep { get; init; }

    public int MemoryMiB { get; init; } = DefaultMemoryMiB;

    /// <summary>UEFI firmware code to use instead of Debian's OVMF/AAVMF.</summary>
    public string? FirmwarePath { get; init; }

    /// <summary>
    /// The firmware's variable store, kept across runs (boot entries an installer writes): used in place, created from the
    /// firmware's template when the file does not exist. Null: a fresh copy per run, thrown away.
    /// </summary>
    public string? FirmwareVarsPath { get; init; }

    /// <summary>Host endpoints the guest may reach through qemu's user network (restrict=on); empty: no network device at all.</summary>
    public IReadOnlyList<GuestForward> GuestForwards { get; init; } = [];

    /// <summary>Host endpoints carried to guest ports through qemu's user network (restrict=on), e.g. 127.0.0.1:2222 to the guest's 22.</summary>
    public IReadOnlyList<HostForward> HostForwards { get; init; } = [];

    /// <summary>
    /// Give the guest's serial console the caller's terminal: qemu reads the keystrokes from stdin and writes the console
    /// to stdout itself (raw mode), nothing is watched, so <see cref="Expect"/> cannot be used.
    /// </summary>
    public bool Interactive { get; init; }

    public VmArchitecture Architecture { get; init; } = VmArchitecture.X86_64;

    /// <summary>Where the per-run directory (overlay, firmware variables, seed) is made; default: the system temp directory.</summary>
    public string? TempRoot { get; init; }

    /// <summary>Throws ArgumentException for values out of range or options that do not go together; touches no file.</summary>
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

        if (ImagePath is null && CdromPath is null && UsbPath is null)
        {
            throw new ArgumentException("nothing to boot: give an IMAGE, --cdrom ISO or --usb IMAGE");
        }

        if (Keep && ImagePath is null)
        {
            throw new ArgumentException("--keep applies to IMAGE, and none was given (--disk and --usb-writable images are always written in place)");
        }

        if (UsbWritable && UsbPath is null)
        {
            throw new ArgumentException("--usb-writable needs --usb IMAGE");
        }

        if (Interactive && Expect is not null)
        {
            throw new ArgumentException("--interactive and --expect do not go together: the console goes to the terminal, nothing watches it");
        }

        var hosts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var forward in HostForwards)
        {
            if (!hosts.Add(forward.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                throw new ArgumentException($"--hostfwd {forward}: host port {forward.HostPort} is forwarded twice");
            }
        }

        var guests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var forward in GuestForwards)
        {
            if (!guests.Add($"{forward.GuestAddress}:{forward.GuestPort}"))
            {
                throw new ArgumentException($"--guestfwd {forward}: {forward.GuestAddress}:{forward.GuestPort} is forwarded twice");
            }
        }
    }
}
