using Keel.Config.Model;
using Keel.TargetSystem;

namespace Keel.Install.Boot;

/// <summary>
/// What the boot step needs to know that only the engine knows: the root filesystem, where the ESP is mounted, kernel
/// arguments of other steps (the encrypted root's) and files the initramfs must carry (target path → initramfs path).
/// </summary>
public sealed record BootSettings(Guid RootFilesystemUuid, string RootFilesystemType, string EspMountPoint, long? SourceDateEpoch,
    IReadOnlyList<string>? KernelArguments = null, IReadOnlyList<InitramfsInclude>? InitramfsIncludes = null);

/// <summary>
/// Installs systemd-boot and a unified kernel image on the ESP tree of the target (its /boot/efi, which becomes the ESP
/// filesystem later): the boot manager at EFI/systemd and at the removable-media fallback path EFI/BOOT, and the UKI in
/// EFI/Linux where systemd-boot finds it without an entry file (Boot Loader Specification, type 2).
/// </summary>
public static class BootLoaderStep
{
    /// <summary>The kernel command line: root by filesystem UUID, read-only until the init remounts it, SELinux mode, extra arguments.</summary>
    public static string CommandLine(MachineConfig config, BootSettings settings)
    {
        var parts = new List<string> { $"root=UUID={settings.RootFilesystemUuid:D}", $"rootfstype={settings.RootFilesystemType}", "ro" };
        parts.AddRange(settings.KernelArguments ?? []);
        parts.AddRange(config.Selinux switch
        {
            SelinuxMode.Disabled => ["selinux=0"],
            SelinuxMode.Permissive => ["enforcing=0"],
            _ => [],
        });
        if (!string.IsNullOrWhiteSpace(config.KernelCommandLine))
        {
            parts.Add(config.KernelCommandLine.Trim());
        }

        return string.Join(' ', parts);
    }

    /// <summary>Runs the step; returns the UKI's path inside the target.</summary>
    public static async Task<string> RunAsync(TargetRoot root, MachineConfig config, BootSettings settings, string workDirectory, CancellationToken cancellationToken)
    {
        if (config.Bootloader != BootloaderType.SystemdBoot)
        {
            throw new NotSupportedException("boot.install: bootloader grub2 is not implemented yet; use bootloader: systemd-boot");
        }

        var efiArch = config.Arch == MachineArchitecture.Aarch64 ? "aa64" : "x64";
        var stub = Required(root, $"/usr/lib/systemd/boot/efi/linux{efiArch}.efi.stub");
        var manager = Required(root, $"/usr/lib/systemd/boot/efi/systemd-boot{efiArch}.efi");
        var kernel = KernelLocator.Find(root);
        var osRelease = root.ReadAllTextOrNull("/etc/os-release") ?? root.ReadAllTextOrNull("/usr/lib/os-release")
            ?? throw new InvalidDataException("boot.install: the target has no /etc/os-release or /usr/lib/os-release; add the distribution's release package");

        var initramfs = Path.Combine(workDirectory, "initramfs.img");
        await InitramfsBuilder.BuildAsync(root, kernel, initramfs, settings.SourceDateEpoch, settings.InitramfsIncludes ?? [], cancellationToken).ConfigureAwait(false);

        var esp = settings.EspMountPoint;
        var osId = OsReleaseValue(osRelease, "ID") ?? "linux";
        var ukiInRoot = $"{esp}/EFI/Linux/{osId}-{kernel.Version}.efi";
        root.CreateDirectory($"{esp}/EFI/Linux");
        await UkiBuilder.BuildAsync(new UkiParts(stub, kernel.ImagePath, initramfs, CommandLine(config, settings), osRelease),
            root.Resolve(ukiInRoot), cancellationToken).ConfigureAwait(false);
        File.Delete(initramfs);

        var managerBytes = await File.ReadAllBytesAsync(manager, cancellationToken).ConfigureAwait(false);
        const UnixFileMode mode = (UnixFileMode)0x1ed; // 0755; vfat ignores it
        root.WriteFile($"{esp}/EFI/systemd/systemd-boot{efiArch}.efi", managerBytes, mode);
        root.WriteFile($"{esp}/EFI/BOOT/BOOT{efiArch.ToUpperInvariant()}.EFI", managerBytes, mode);
        // No menu: the newest UKI boots at once; "editor no" keeps the command line from being changed at the console.
        root.WriteText($"{esp}/loader/loader.conf", "timeout 0\neditor no\n", (UnixFileMode)0x1a4);
        return ukiInRoot;
    }

    private static string Required(TargetRoot root, string path)
    {
        var host = root.Resolve(path);
        return File.Exists(host)
            ? host
            : throw new InvalidDataException($"boot.install: the target has no {path}; add the package that ships systemd-boot (systemd-boot-unsigned) to the config");
    }

    private static string? OsReleaseValue(string text, string key) => text.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.StartsWith(key + "=", StringComparison.Ordinal))
        .Select(l => l[(key.Length + 1)..].Trim('"', '\''))
        .FirstOrDefault();
}
