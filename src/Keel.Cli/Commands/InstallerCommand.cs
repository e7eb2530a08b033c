using System.CommandLine;
using Keel.Cli.Progress;
using Keel.Installer;
using Keel.Installer.Api;
using Keel.Media;

namespace Keel.Cli.Commands;

/// <summary>
/// `keel installer`: the installer medium's installer (docs/installer.md). Unattended when a config is found; otherwise
/// the interactive installer (service + text UI). `--dry-run --profile FILE` runs the interactive installer on a
/// development host against a machine profile; `serve` and `ui` run the two halves apart (docs/installer-api.md).
/// </summary>
internal static class InstallerCommand
{
    public static Command Create()
    {
        var medium = new Option<string>("--medium") { Description = $"The medium's root directory (default {MediumLayout.LiveMountPoint}; when nothing is mounted there the medium is found by its label and mounted read-only)." };
        var key = new Option<string>("--key") { Description = $"The public key that signs the medium's manifest (default {MediumLayout.LiveKeyPath}, then {MediumLayout.InitramfsKeyPath})." };
        var cmdline = new Option<string>("--cmdline") { Description = "The kernel command line to read keel.config=, keel.repo=, keel.autoinstall and keel.ui= from.", DefaultValueFactory = _ => InstallerOptions.KernelCommandLineFile };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write nothing. With --profile: the interactive installer on this host against a machine profile. Without: verify the medium, find the config, the repositories and the disk, show the plan." };
        var profile = ProfileOption();
        var repo = RepoOption();
        var distribution = DistributionOption();
        var line = new Option<bool>("--line") { Description = "The line-by-line front end (as keel.ui=line) instead of the full-screen text UI." };
        var presets = ConfigValidateCommand.PresetsOption();
        var progress = ProgressOptions.Create();
        var cmd = new Command("installer",
            "The installer medium's installer, run by keel-installer.service on the console at boot: checks the medium's signed " +
            "manifest and every file, finds the config (keel.config=URL|PATH, the config embedded with 'keel media customize', keel.yaml on a " +
            "stick labelled KEELCFG), picks the online repository when it answers (else the medium's), the one disk storage.disk selects, " +
            "shows the plan, asks once unless install.confirm is false or keel.autoinstall is given, installs, and reboots or powers off as " +
            "install.after says.\n\n" +
            "Without a config it starts the interactive installer: an installer service on " + InstallerRoutes.DefaultSocket + " (an HTTP API, " +
            "docs/installer-api.md) and the text UI as its client (keel.ui=line: a line-by-line mode for dumb serial consoles; keel.ui=none: " +
            "say how to give a config and exit 0).\n\n" +
            "On a development host, --dry-run --profile FILE skips the medium and its self-check and runs the interactive installer against " +
            "a machine profile (examples/installer-profiles/*.json: its disks, USB sticks and network) with --repo DIR standing in for the " +
            "medium's repository. Everything is shown; no disk is written, nothing is powered off.\n\n" +
            "Examples:\n" +
            "  keel installer --dry-run --profile examples/installer-profiles/several-disks-usb.json --repo .work/fixture-repo\n" +
            "  keel installer --dry-run --profile examples/installer-profiles/one-disk.json --line      (--repo from $KEEL_FIXTURE_REPO)\n" +
            "  keel installer --medium /mnt/medium --cmdline cmdline.txt --dry-run                         (the unattended path, planned)\n" +
            "  keel installer serve --dry-run --profile examples/installer-profiles/one-disk.json --socket /tmp/k.sock\n" +
            "  keel installer ui --socket /tmp/k.sock")
        {
            medium, key, cmdline, dryRun, profile, repo, distribution, line, progress, presets,
        };
        cmd.Subcommands.Add(InstallerServeCommand.Create());
        cmd.Subcommands.Add(InstallerUiCommand.Create());
        cmd.SetAction(async (parse, ct) =>
        {
            var presetDirectories = parse.GetValue(presets) ?? [];
            if (parse.GetValue(profile) is { } profileFile)
            {
                if (!parse.GetValue(dryRun))
                {
                    throw new ArgumentException("--profile: a machine profile is only for --dry-run (it describes a machine that is not this one)");
                }

                var session = await InstallerSessionSetup.DryRunAsync(profileFile, parse.GetValue(repo), parse.GetValue(distribution), presetDirectories, ct).ConfigureAwait(false);
                var socket = Path.Combine(Directory.CreateTempSubdirectory("keel-installer").FullName, "installer.sock");
                try
                {
                    return await InstallerFrontEnd.RunAsync(session, socket, parse.GetValue(line), ct).ConfigureAwait(false);
                }
                finally
                {
                    Directory.Delete(Path.GetDirectoryName(socket)!, recursive: true);
                }
            }

            if (parse.GetValue(repo) is not null)
            {
                throw new ArgumentException("--repo: only with --dry-run --profile (on the medium, the medium's repository is used)");
            }

            var options = new InstallerOptions
            {
                MediumDirectory = parse.GetValue(medium),
                KeyFile = parse.GetValue(key),
                CommandLineFile = parse.GetValue(cmdline)!,
                DryRun = parse.GetValue(dryRun),
                Progress = parse.GetValue(progress)!,
                PresetDirectories = presetDirectories,
                SourceDateEpoch = ConfigCommandSupport.SourceDateEpoch(),
            };
            var host = new InstallerHost(parse.InvocationConfiguration.Output, Console.In, new HostSystemAccess(), new SystemPowerControl())
            {
                Interactive = async (start, token) =>
                {
                    // Only on the machine the installer booted (the real kernel command line), never on a host in a test.
                    using var quiet = options.CommandLineFile == InstallerOptions.KernelCommandLineFile ? KernelConsoleLevel.ErrorsOnlyWhileRunning() : null;
                    return await InstallerFrontEnd.RunAsync(
                        InstallerSessionSetup.Live(start, options, InstallerProbes.Live(start.Medium)), InstallerRoutes.DefaultSocket,
                        parse.GetValue(line) || start.Arguments.Ui == InstallerArguments.LineUi, token).ConfigureAwait(false);
                },
            };
            return await new LiveInstaller(options, host).RunAsync(ct).ConfigureAwait(false);
        });
        return cmd;
    }

    /// <summary>--profile FILE: a machine profile for --dry-run.</summary>
    public static Option<string> ProfileOption() => new("--profile")
    {
        Description = "A machine profile (JSON: disks, removable volumes, network interfaces) to run against instead of this machine; only with --dry-run. Shipped: examples/installer-profiles/.",
    };

    /// <summary>--repo DIR: the repository standing in for the medium's on a host.</summary>
    public static Option<string> RepoOption() => new("--repo")
    {
        Description = $"With --dry-run --profile: a repository directory standing in for the medium's repository (default ${InstallerSessionSetup.FixtureRepoVariable}).",
    };

    /// <summary>--distribution NAME: whose presets a --repo dry run offers.</summary>
    public static Option<string> DistributionOption() => new("--distribution")
    {
        Description = "With --repo: the distribution whose presets apply (default: the one whose presets the repository satisfies).",
    };
}
