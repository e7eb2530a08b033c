using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Planning;
using Keel.Config.Presets;

namespace Keel.Install.Planning;

/// <summary>A user as the plan decided it: the groups it joins (sudo means wheel), whether it has a password, how many keys.</summary>
public sealed record ResolvedUser(string Name, IReadOnlyList<string> Groups, bool HasPassword, int SshKeys);

/// <summary>
/// The decisions the system steps need beyond the config's literal values, made once at plan time and carried by the
/// plan: host keys now or on first boot, each user's groups, the .repo files the machine gets, machine-id, the ESP.
/// </summary>
public sealed record ResolvedSettings(
    HostKeyGeneration HostKeys,
    bool GenerateMachineId,
    IReadOnlyList<ResolvedUser> Users,
    IReadOnlyList<SystemRepository> SystemRepositories,
    string EspMountPoint)
{
    /// <summary>The group that may use sudo (the distribution's setup package makes it; /etc/sudoers.d/90-keel names it).</summary>
    public const string SudoGroup = "wheel";

    /// <summary>
    /// Decides for an image (host keys on first boot, empty machine-id: every clone gets its own) or a device (both made
    /// at install); the config's ssh.hostKeys overrides. Throws InvalidDataException when no ESP has a mount point.
    /// </summary>
    public static ResolvedSettings Decide(LoadedConfig loaded, PackageRequest request, IReadOnlyList<PlannedPartition> partitions, bool image)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(request);
        var config = loaded.Config;
        var esp = partitions.FirstOrDefault(p => p.Role == "esp")?.MountPoint
            ?? throw new InvalidDataException($"{loaded.Source}: storage.partitions: no EFI system partition with a mount point; the machine could not boot");
        return new ResolvedSettings(
            config.Ssh.HostKeys ?? (image ? HostKeyGeneration.FirstBoot : HostKeyGeneration.Install),
            GenerateMachineId: !image,
            DecideUsers(config),
            [.. request.Preset.SystemRepositories, .. config.SystemRepositories],
            esp);
    }

    /// <summary>Each user's groups as the machine will have them: a sudo user also joins <see cref="SudoGroup"/>. The one place this is decided.</summary>
    public static IReadOnlyList<ResolvedUser> DecideUsers(MachineConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. config.Users.Select(u => new ResolvedUser(u.Name, [.. u.Sudo ? u.Groups.Append(SudoGroup).Distinct(StringComparer.Ordinal) : u.Groups], u.PasswordHash is not null, u.SshAuthorizedKeys.Count))];
    }
}
