using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Install.Settings;

namespace Keel.Install.Steps;

/// <summary>system.hostname: /etc/hostname, or nothing when DHCP or cloud-init names the machine.</summary>
public sealed class HostnameStep() : SynchronousStep("system.hostname", "Set the hostname")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        [plan.Config.Hostname is null ? "/etc/hostname left unwritten (DHCP or cloud-init names the machine)" : $"/etc/hostname: {plan.Config.Hostname}"];

    protected override string Apply(InstallRun run) => "hostname " + SystemFiles.Hostname(run.Root, run.Config.Hostname);
}

/// <summary>system.locale: /etc/locale.conf.</summary>
public sealed class LocaleStep() : SynchronousStep("system.locale", "Set the locale")
{
    public override IEnumerable<string> Details(PlanningContext plan) => [$"/etc/locale.conf: LANG={plan.Config.Locale}"];

    protected override string Apply(InstallRun run)
    {
        SystemFiles.Locale(run.Root, run.Config.Locale);
        return "LANG=" + run.Config.Locale;
    }
}

/// <summary>system.keyboard: /etc/vconsole.conf.</summary>
public sealed class KeyboardStep() : SynchronousStep("system.keyboard", "Set the console keymap")
{
    public override IEnumerable<string> Details(PlanningContext plan) => [$"/etc/vconsole.conf: KEYMAP={plan.Config.Keyboard}"];

    protected override string Apply(InstallRun run)
    {
        SystemFiles.Keyboard(run.Root, run.Config.Keyboard);
        return "KEYMAP=" + run.Config.Keyboard;
    }
}

/// <summary>system.timezone: /etc/localtime as a relative link into the zoneinfo tree.</summary>
public sealed class TimezoneStep() : SynchronousStep("system.timezone", "Set the time zone")
{
    public override IEnumerable<string> Details(PlanningContext plan) => [$"/etc/localtime -> ../usr/share/zoneinfo/{plan.Config.Timezone}"];

    protected override string Apply(InstallRun run) =>
        SystemFiles.Timezone(run.Root, run.Config.Timezone) is { } warning ? $"{run.Config.Timezone} (warning: {warning})" : run.Config.Timezone;
}

/// <summary>system.users: groups, users, their keys and sudo; root locked unless the config gives it a password.</summary>
public sealed class UsersStep() : SynchronousStep("system.users", "Create groups and users")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
    [
        .. plan.Config.Groups.Select(g => $"group {g.Name}{(g.Gid is null ? "" : $" (gid {g.Gid})")}"),
        .. plan.Settings.Users.Select(u => $"user {u.Name}: {(u.HasPassword ? "password set" : "password locked")}, groups [{string.Join(", ", u.Groups)}], {u.SshKeys} SSH key(s)"),
        plan.Settings.Users.Any(u => u.Name == "root") ? "root as configured" : "root password locked",
    ];

    protected override string Apply(InstallRun run)
    {
        var config = run.Config;
        AccountSettings.Apply(run.Root, config, run.Plan.Settings.Users, run.Now);
        return $"{config.Groups.Count} group(s), {config.Users.Count} user(s); root {(run.Plan.Settings.Users.Any(u => u.Name == "root" && u.HasPassword) ? "has the configured password" : "password locked")}";
    }
}

/// <summary>system.ssh: the sshd drop-in, and host keys now (install) or on first boot (image), as the plan decided.</summary>
public sealed class SshStep() : InstallStep("system.ssh", "Configure the SSH server")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
    [
        $"PermitRootLogin {ConfigNames.EnumValue(plan.Config.Ssh.PermitRootLogin)}, PasswordAuthentication {(plan.Config.Ssh.PasswordAuthentication ? "yes" : "no")}",
        plan.Settings.HostKeys == HostKeyGeneration.Install ? "host keys generated now" : "host keys generated on first boot",
    ];

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken) =>
        run.Report(await SshSettings.ApplyAsync(run.Root, run.Config, run.Plan.Settings.HostKeys, cancellationToken).ConfigureAwait(false));
}

/// <summary>system.selinux: /etc/selinux/config, and a relabel on first boot when a policy is installed.</summary>
public sealed class SelinuxStep() : SynchronousStep("system.selinux", "Set the SELinux mode")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        [$"/etc/selinux/config: SELINUX={ConfigNames.EnumValue(plan.Config.Selinux)}", plan.Config.Selinux == SelinuxMode.Disabled ? "no relabel" : "relabel the tree when the policy is installed"];

    protected override string Apply(InstallRun run) => SystemFiles.Selinux(run.Root, run.Config.Selinux);
}

/// <summary>system.files: the config's files; before system.services, so a unit written here can be enabled there.</summary>
public sealed class FilesStep() : SynchronousStep("system.files", "Write files")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        plan.Config.Files.Select(f => $"{f.Path} (mode {f.Mode}, owner {f.Owner}, {f.Content.Length} characters)");

    protected override string Apply(InstallRun run)
    {
        SystemFiles.Files(run.Root, run.Config.Files, run.Now);
        return $"{run.Config.Files.Count} file(s)";
    }
}

/// <summary>system.services: the distribution's presets, then the config's enable and disable.</summary>
public sealed class ServicesStep() : InstallStep("system.services", "Enable and disable services")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        [$"enable: {ListOrNone(plan.Config.Services.Enable)}; disable: {ListOrNone(plan.Config.Services.Disable)}; the rest per the distribution's presets"];

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken) =>
        run.Report(await ServiceSettings.ApplyAsync(run.Root, run.Config.Services, cancellationToken).ConfigureAwait(false));
}

/// <summary>system.repositories: the .repo files the machine gets (the preset's, then the config's), as the plan decided.</summary>
public sealed class RepositoriesStep() : SynchronousStep("system.repositories", "Write repository files")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        plan.Settings.SystemRepositories.Select(r => $"{r.File ?? $"/etc/yum.repos.d/{r.Id}.repo"}: [{r.Id}] {r.Baseurl}");

    protected override string Apply(InstallRun run)
    {
        var repos = run.Plan.Settings.SystemRepositories;
        SystemFiles.Repositories(run.Root, repos);
        return $"{repos.Count} .repo file(s)";
    }
}

/// <summary>system.fstab: every filesystem by UUID.</summary>
public sealed class FstabStep() : SynchronousStep("system.fstab", "Write /etc/fstab")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        plan.Partitions.Where(p => p.Role != "esp" || p.MountPoint is not null).Select(p => $"UUID of partition {p.Number} -> {p.MountPoint ?? "swap"}");

    protected override string Apply(InstallRun run)
    {
        var entries = run.Layout.Partitions.Select(p => p.Fstab).OfType<FstabEntry>().ToList();
        SystemFiles.Fstab(run.Root, entries);
        return $"{entries.Count} filesystem(s) by UUID";
    }
}

/// <summary>system.machine-id: empty for an image (set on first boot), fresh for an install, as the plan decided.</summary>
public sealed class MachineIdStep() : SynchronousStep("system.machine-id", "Prepare machine-id")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        [plan.Settings.GenerateMachineId ? "generate /etc/machine-id" : "empty /etc/machine-id: set on first boot"];

    protected override string Apply(InstallRun run)
    {
        var generate = run.Plan.Settings.GenerateMachineId;
        SystemFiles.MachineId(run.Root, image: !generate);
        return generate ? "generated" : "empty: set on first boot";
    }
}
