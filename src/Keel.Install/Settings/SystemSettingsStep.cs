using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.TargetSystem;

namespace Keel.Install.Settings;

/// <summary>What the system steps need besides the config: the target kind, the filesystems, and the clock to stamp files with.</summary>
public sealed record SystemSettingsContext(bool Image, IReadOnlyList<FstabEntry> Filesystems, DateTimeOffset Now);

/// <summary>Runs the system.* steps in plan order on a target root that already holds the installed packages.</summary>
public static class SystemSettingsStep
{
    /// <summary>Applies every system setting of the config; each step reports one event.</summary>
    public static async Task RunAsync(TargetRoot root, MachineConfig config, PackageRequest request, SystemSettingsContext context,
        IProgress<EngineEvent>? progress, CancellationToken cancellationToken)
    {
        void Done(string id, string message) => progress?.Report(new ProgressEvent(id, message, 1, 1));

        Done("system.hostname", "hostname " + SystemFiles.Hostname(root, config.Hostname));
        SystemFiles.Locale(root, config.Locale);
        Done("system.locale", "LANG=" + config.Locale);
        SystemFiles.Keyboard(root, config.Keyboard);
        Done("system.keyboard", "KEYMAP=" + config.Keyboard);
        var tzWarning = SystemFiles.Timezone(root, config.Timezone);
        Done("system.timezone", tzWarning is null ? config.Timezone : $"{config.Timezone} (warning: {tzWarning})");
        cancellationToken.ThrowIfCancellationRequested();

        AccountSettings.Apply(root, config, context.Now);
        Done("system.users", $"{config.Groups.Count} group(s), {config.Users.Count} user(s); root {(config.Users.Any(u => u.Name == "root" && u.PasswordHash is not null) ? "has the configured password" : "password locked")}");

        var hostKeys = config.Ssh.HostKeys ?? (context.Image ? HostKeyGeneration.FirstBoot : HostKeyGeneration.Install);
        Done("system.ssh", await SshSettings.ApplyAsync(root, config, hostKeys, cancellationToken).ConfigureAwait(false));
        Done("system.selinux", SystemFiles.Selinux(root, config.Selinux));

        // Files before services: a unit written by files: must exist when services.enable links it.
        SystemFiles.Files(root, config.Files, context.Now);
        Done("system.files", $"{config.Files.Count} file(s)");
        Done("system.services", await ServiceSettings.ApplyAsync(root, config.Services, cancellationToken).ConfigureAwait(false));
        var repos = request.Preset.SystemRepositories.Concat(config.SystemRepositories).ToList();
        SystemFiles.Repositories(root, repos);
        Done("system.repositories", $"{repos.Count} .repo file(s)");
        SystemFiles.Fstab(root, context.Filesystems);
        Done("system.fstab", $"{context.Filesystems.Count} filesystem(s) by UUID");
        SystemFiles.MachineId(root, context.Image);
        Done("system.machine-id", context.Image ? "empty: set on first boot" : "generated");
    }
}
