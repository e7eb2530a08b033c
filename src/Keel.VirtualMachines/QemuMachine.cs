using System.Globalization;

namespace Keel.VirtualMachines;

/// <summary>What qemu is asked to run: the machine, its firmware and its disks.</summary>
/// <param name="Architecture">Guest architecture; picks the qemu binary and machine type.</param>
/// <param name="Firmware">UEFI firmware code (and template of the variable store).</param>
/// <param name="FirmwareVars">This run's own copy of the variable store, or null for a combined image.</param>
/// <param name="BootDisk">The disk the guest boots from (the overlay, or the image itself with --keep).</param>
/// <param name="BootDiskFormat">Format of <paramref name="BootDisk"/>, given to qemu so it never probes.</param>
/// <param name="SeedDisk">A NoCloud seed image attached as a second, read-only disk, or null.</param>
/// <param name="MemoryMiB">Guest memory.</param>
public sealed record QemuMachine(
    VmArchitecture Architecture,
    UefiFirmware Firmware,
    string? FirmwareVars,
    string BootDisk,
    DiskImageFormat BootDiskFormat,
    string? SeedDisk,
    int MemoryMiB)
{
    /// <summary>The qemu system emulator for <paramref name="architecture"/> and the Debian package that ships it.</summary>
    public static (string Program, string DebianPackage) Emulator(VmArchitecture architecture) => architecture switch
    {
        VmArchitecture.X86_64 => ("qemu-system-x86_64", "qemu-system-x86"),
        VmArchitecture.Aarch64 => ("qemu-system-aarch64", "qemu-system-arm"),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
    };

    /// <summary>qemu's command line (without the program): TCG, no network, serial console on stdio, nothing else attached.</summary>
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
            "-nic", "none",
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

        args.AddRange(["-drive", $"if=none,id=disk0,format={BootDiskFormat.QemuName()},file={Escape(BootDisk)}"]);
        args.AddRange(["-device", "virtio-blk-pci,drive=disk0,bootindex=0"]);
        if (SeedDisk is not null)
        {
            args.AddRange(["-drive", $"if=none,id=seed,format=raw,readonly=on,file={Escape(SeedDisk)}"]);
            args.AddRange(["-device", "virtio-blk-pci,drive=seed"]);
        }

        return args;
    }

    // qemu's option syntax splits on commas; a literal comma in a value is written twice.
    private static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
