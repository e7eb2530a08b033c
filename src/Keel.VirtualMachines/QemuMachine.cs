using System.Globalization;

namespace Keel.VirtualMachines;

/// <summary>What qemu is asked to run: the machine, its firmware, its disks and media, and its network.</summary>
/// <param name="Architecture">Guest architecture; picks the qemu binary and machine type.</param>
/// <param name="Firmware">UEFI firmware code (and template of the variable store).</param>
/// <param name="FirmwareVars">The variable store this run uses (a per-run copy or the caller's kept one), or null for a combined image.</param>
/// <param name="BootDisk">The image disk (the overlay, or the image itself with --keep), first virtio disk and first in the boot order; null when booting media only.</param>
/// <param name="BootDiskFormat">Format of <paramref name="BootDisk"/>, given to qemu so it never probes.</param>
/// <param name="SeedDisk">A NoCloud seed image attached as a read-only virtio disk after the boot disk, or null.</param>
/// <param name="MemoryMiB">Guest memory.</param>
public sealed record QemuMachine(
    VmArchitecture Architecture,
    UefiFirmware Firmware,
    string? FirmwareVars,
    string? BootDisk,
    DiskImageFormat BootDiskFormat,
    string? SeedDisk,
    int MemoryMiB)
{
    /// <summary>An ISO image on a read-only CD-ROM drive.</summary>
    public string? Cdrom { get; init; }

    /// <summary>A disk image on a USB stick (xHCI controller + usb-storage).</summary>
    public VmDisk? Usb { get; init; }

    /// <summary>Whether the guest may write to <see cref="Usb"/>.</summary>
    public bool UsbWritable { get; init; }

    /// <summary>Extra virtio disks, written in place, after the boot disk and the seed; serials keel-disk1, keel-disk2, ...</summary>
    public IReadOnlyList<VmDisk> Disks { get; init; } = [];

    /// <summary>Host endpoints reachable through a restricted user network; empty: no network device.</summary>
    public IReadOnlyList<GuestForward> GuestForwards { get; init; } = [];

    /// <summary>Host endpoints carried to guest ports (e.g. a host port to the guest's sshd); they too turn on the restricted user network.</summary>
    public IReadOnlyList<HostForward> HostForwards { get; init; } = [];

    /// <summary>The serial number of extra disk <paramref name="index"/> (1-based), so a guest finds it as /dev/disk/by-id/virtio-keel-diskN.</summary>
    public static string DiskSerial(int index) => "keel-disk" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The qemu system emulator for <paramref name="architecture"/> and the Debian package that ships it.</summary>
    public static (string Program, string DebianPackage) Emulator(VmArchitecture architecture) => architecture switch
    {
        VmArchitecture.X86_64 => ("qemu-system-x86_64", "qemu-system-x86"),
        VmArchitecture.Aarch64 => ("qemu-system-aarch64", "qemu-system-arm"),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
    };

    /// <summary>qemu's command line (without the program): TCG, serial console on stdio, only the devices asked for.</summary>
    public IReadOnlyList<string> Arguments()
    {
        List<string> args =
        [
            // Nothing implicit: no default NIC, VGA, CD-ROM or monitor.
            "-nodefaults",
            "-machine", Architecture == VmArchitecture.X86_64 ? "q35" : "virt",
            "-accel", "tcg",
            "-cpu", "max",
            "-m", MemoryMiB.ToString(CultureInfo.InvariantCulture),
            "-display", "none",
            "-serial", "stdio",
            "-monitor", "none",
            "-nic", Network(),
            // A guest that reboots (or panics with panic=-1) ends the run instead of looping.
            "-no-reboot",
        ];

        if (FirmwareVars is null)
        {
            args.AddRange(["-bios", Firmware.Code]);
        }
        else
        {
            args.AddRange(["-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={Escape(Firmware.Code)}"]);
            args.AddRange(["-drive", $"if=pflash,format=raw,unit=1,file={Escape(FirmwareVars)}"]);
        }

        // Only the image gets a boot index: with one, it boots first as before; without, the firmware's own order
        // (media, then disks with a boot loader, and NVRAM entries an install wrote) decides.
        if (BootDisk is not null)
        {
            args.AddRange(["-drive", $"if=none,id=disk0,format={BootDiskFormat.QemuName()},file={Escape(BootDisk)}"]);
            args.AddRange(["-device", "virtio-blk-pci,drive=disk0,bootindex=0"]);
        }

        if (SeedDisk is not null)
        {
            args.AddRange(["-drive", $"if=none,id=seed,format=raw,readonly=on,file={Escape(SeedDisk)}"]);
            args.AddRange(["-device", "virtio-blk-pci,drive=seed"]);
        }

        for (int i = 0; i < Disks.Count; i++)
        {
            var id = DiskSerial(i + 1);
            args.AddRange(["-drive", $"if=none,id={id},format={Disks[i].Format.QemuName()},file={Escape(Disks[i].Path)}"]);
            args.AddRange(["-device", $"virtio-blk-pci,drive={id},serial={id}"]);
        }

        if (Cdrom is not null)
        {
            args.AddRange(["-drive", $"if=none,id=cdrom,media=cdrom,format=raw,readonly=on,file={Escape(Cdrom)}"]);
            // q35 has an AHCI controller built in (ide.0 ... ide.5); virt has none, so a SCSI controller carries it there.
            if (Architecture == VmArchitecture.X86_64)
            {
                args.AddRange(["-device", "ide-cd,bus=ide.0,drive=cdrom"]);
            }
            else
            {
                args.AddRange(["-device", "virtio-scsi-pci,id=scsi0", "-device", "scsi-cd,bus=scsi0.0,drive=cdrom"]);
            }
        }

        if (Usb is not null)
        {
            var readOnly = UsbWritable ? "" : ",readonly=on";
            args.AddRange(["-device", "qemu-xhci,id=xhci"]);
            args.AddRange(["-drive", $"if=none,id=usb,format={Usb.Format.QemuName()}{readOnly},file={Escape(Usb.Path)}"]);
            args.AddRange(["-device", "usb-storage,bus=xhci.0,drive=usb,removable=on"]);
        }

        return args;
    }

    /// <summary>
    /// "none", or qemu's user network with restrict=on: the guest gets its DHCP lease (10.0.2.15) from qemu but no route
    /// out; only the guestfwd endpoints are reachable, each carried to its host address, and the hostfwd host
    /// endpoints reach the guest (restrict=on still lets those in).
    /// </summary>
    private string Network()
    {
        if (GuestForwards.Count == 0 && HostForwards.Count == 0)
        {
            return "none";
        }

        // virtio-net, not q35's default e1000e: the one driver every cloud-ready kernel and initramfs carries.
        return "user,model=virtio-net-pci,restrict=on"
            + string.Concat(GuestForwards.Select(f => ",guestfwd=" + f.QemuRule()))
            + string.Concat(HostForwards.Select(f => ",hostfwd=" + f.QemuRule()));
    }

    // qemu's option syntax splits on commas; a literal comma in a value is written twice.
    private static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
