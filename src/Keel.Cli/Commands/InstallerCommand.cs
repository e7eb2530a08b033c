using System.CommandLine;
using Keel.Cli.Progress;
using Keel.Installer;
using Keel.Media;

namespace Keel.Cli.Commands;

/// <summary>`keel installer`: the unattended installer the live environment runs at boot (docs/installer.md).</summary>
internal static class InstallerCommand
{
    public static Command Create()
    {
        var medium = new Option<string>("--medium") { Description = $"The medium's root directory (default {MediumLayout.LiveMountPoint}; when nothing is mounted there the medium is found by its label and mounted read-only)." };
        var key = new Option<string>("--key") { Description = $"The public key that signs the medium's manifest (default {MediumLayout.LiveKeyPath}, then {MediumLayout.InitramfsKeyPath})." };
        var cmdline = new Option<string>("--cmdline") { Description = "The kernel command line to read keel.config=, keel.repo=, keel.autoinstall and keel.ui= from.", DefaultValueFactory = _ => "/proc/cmdline" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Verify the medium, find the config, the repositories and the disk, show the plan; write nothing." };
        var presets = ConfigValidateCommand.PresetsOption();
        var progress = ProgressOptions.Create();
        var cmd = new Command("installer",
            "The installer medium's unattended installer, run by keel-installer.service on the console at boot: checks the medium's signed " +
            "manifest and every file, finds the config (keel.config=URL|PATH, the config embedded with 'keel media customize', keel.yaml on a " +
            "stick labelled KEELCFG), picks the online repository when it answers (else the medium's), the one disk storage.disk selects, " +
            "shows the plan, asks once unless install.confirm is false or keel.autoinstall is given, installs, and reboots or powers off as " +
            "install.after says. Without a config it says how to give one and exits 0.\n\n" +
            "Example (on a development host): keel installer --medium /mnt/medium --cmdline cmdline.txt --dry-run")
        {
            medium, key, cmdline, dryRun, progress, presets,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = new InstallerOptions
            {
                MediumDirectory = parse.GetValue(medium),
                KeyFile = parse.GetValue(key),
                CommandLineFile = parse.GetValue(cmdline)!,
                DryRun = parse.GetValue(dryRun),
                Progress = parse.GetValue(progress)!,
                PresetDirectories = parse.GetValue(presets) ?? [],
                SourceDateEpoch = ConfigCommandSupport.SourceDateEpoch(),
            };
            var host = new InstallerHost(parse.InvocationConfiguration.Output, Console.In, new HostSystemAccess(), new SystemPowerControl());
            return await new LiveInstaller(options, host).RunAsync(ct).ConfigureAwait(false);
        });
        return cmd;
    }
}
