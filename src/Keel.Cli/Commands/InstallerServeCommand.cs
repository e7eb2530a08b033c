using System.CommandLine;
using Keel.Installer;
using Keel.Installer.Api;
using Keel.Media;

namespace Keel.Cli.Commands;

/// <summary>`keel installer serve`: the installer service alone on a unix socket, for a front end started apart (`keel installer ui`, curl, a browser bridge).</summary>
internal static class InstallerServeCommand
{
    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = $"The unix socket to listen on (default {InstallerRoutes.DefaultSocket}; created 0600, its directory 0700 when missing; a stale socket is replaced).", DefaultValueFactory = _ => InstallerRoutes.DefaultSocket };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write no disk, power nothing; needs --profile." };
        var profile = InstallerCommand.ProfileOption();
        var repo = InstallerCommand.RepoOption();
        var distribution = InstallerCommand.DistributionOption();
        var medium = new Option<string>("--medium") { Description = "Without --dry-run: the verified medium's root directory (its keel/medium.json and repository)." };
        var presets = ConfigValidateCommand.PresetsOption();
        var cmd = new Command("serve",
            "Run the installer service (the session, the probes, the engine) behind its HTTP API on a unix socket until Ctrl-C. Every route, with " +
            "curl examples, is in docs/installer-api.md.\n\n" +
            "Examples:\n" +
            "  keel installer serve --dry-run --profile examples/installer-profiles/one-disk.json --repo .work/fixture-repo --socket /tmp/k.sock\n" +
            "  curl --unix-socket /tmp/k.sock http://x/v1/machine")
        {
            socket, dryRun, profile, repo, distribution, medium, presets,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var presetDirectories = parse.GetValue(presets) ?? [];
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(profile) is { } profileFile)
            {
                if (!parse.GetValue(dryRun))
                {
                    throw new ArgumentException("--profile: a machine profile is only for --dry-run");
                }

                var session = await InstallerSessionSetup.DryRunAsync(profileFile, parse.GetValue(repo), parse.GetValue(distribution), presetDirectories, ct).ConfigureAwait(false);
                return await InstallerFrontEnd.ServeAsync(session, parse.GetValue(socket)!, output, ct).ConfigureAwait(false);
            }

            if (parse.GetValue(medium) is not { } mediumDirectory)
            {
                throw new ArgumentException("serve: give --dry-run --profile FILE (a development host) or --medium DIR (a verified medium)");
            }

            var info = LiveInstaller.ReadInfo(mediumDirectory);
            var options = new InstallerOptions { MediumDirectory = mediumDirectory, DryRun = parse.GetValue(dryRun), PresetDirectories = presetDirectories, AllowPowerActions = false };
            var start = new InteractiveStart(mediumDirectory, info, new InstallerArguments(null, null, false, null), new InstallLog(null));
            return await InstallerFrontEnd.ServeAsync(InstallerSessionSetup.Live(start, options, InstallerProbes.Live(mediumDirectory)), parse.GetValue(socket)!, output, ct).ConfigureAwait(false);
        });
        return cmd;
    }
}
