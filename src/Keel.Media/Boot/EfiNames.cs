using Keel.Config.Model;

namespace Keel.Media.Boot;

/// <summary>
/// The UEFI names that differ by architecture, in one place: the removable-media boot path firmware looks for, systemd's
/// EFI stub in the live root, and rpm's name for the architecture. The x86_64 and aarch64 media are the same code.
/// </summary>
public sealed record EfiNames(string RpmArch, string BootFile, string Stub)
{
    /// <summary>The names for <paramref name="arch"/>.</summary>
    public static EfiNames For(MachineArchitecture arch) => arch switch
    {
        MachineArchitecture.X86_64 => new("x86_64", "EFI/BOOT/BOOTX64.EFI", "/usr/lib/systemd/boot/efi/linuxx64.efi.stub"),
        MachineArchitecture.Aarch64 => new("aarch64", "EFI/BOOT/BOOTAA64.EFI", "/usr/lib/systemd/boot/efi/linuxaa64.efi.stub"),
        _ => throw new NotSupportedException($"architecture {arch} has no UEFI medium layout"),
    };
}
