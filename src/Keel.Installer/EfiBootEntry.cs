using Keel.Install.Planning;

namespace Keel.Installer;

/// <summary>
/// The firmware boot entry for the installed disk (efibootmgr --create), when the machine was booted with UEFI variables.
/// Without them, or without efibootmgr, one warning line: the disk still boots from the removable-media path
/// EFI/BOOT/BOOTX64.EFI that boot.install writes, which any UEFI firmware tries.
/// </summary>
public static class EfiBootEntry
{
    /// <summary>Makes the entry; returns the console line saying what happened. Never throws for a missing tool or missing variables.</summary>
    public static async Task<string> CreateAsync(Plan plan, string label, InstallerOptions options, ISystemAccess system, InstallLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(log);
        if (!Directory.Exists(options.EfiVariables))
        {
            return $"warning: no EFI variables ({options.EfiVariables}): no boot entry made; the disk boots from its fallback path EFI/BOOT/";
        }

        // Firmware cannot boot a loop device; an entry for one would only litter a development host's NVRAM.
        if (Path.GetFileName(plan.Target.Path).StartsWith("loop", StringComparison.Ordinal))
        {
            return $"no EFI boot entry for {plan.Target.Path} (a loop device); the image boots from its fallback path EFI/BOOT/";
        }

        var esp = plan.Partitions.FirstOrDefault(p => p.Role == "esp");
        if (esp is null)
        {
            return "warning: the layout has no EFI system partition: no boot entry made";
        }

        var arch = plan.Architecture == "aarch64" ? "aa64" : "x64";
        string[] args = ["--create", "--disk", plan.Target.Path, "--part", esp.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--label", label, "--loader", $"\\EFI\\systemd\\systemd-boot{arch}.efi"];
        try
        {
            var result = await system.RunAsync("efibootmgr", args, allowFailure: true, cancellationToken).ConfigureAwait(false);
            log.Tool("efibootmgr", args, result);
            return result.ExitCode == 0
                ? $"EFI boot entry '{label}' made for {plan.Target.Path} partition {esp.Number}"
                : $"warning: efibootmgr failed (exit {result.ExitCode}: {result.LastErrorLine}); the disk boots from its fallback path EFI/BOOT/";
        }
        catch (IOException ex)
        {
            return $"warning: efibootmgr is not available ({ex.Message}); the disk boots from its fallback path EFI/BOOT/";
        }
    }
}
