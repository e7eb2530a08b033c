using System.CommandLine;
using Keel.Cli.Progress;
using Keel.Config.Presets;
using Keel.Errors;
using Keel.Install;
using Keel.Install.Engine;

namespace Keel.Cli.Commands;

/// <summary>`keel install CONFIG --device DEV`: install onto a disk, erasing it.</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("CONFIG") { Description = "The keel/v1 YAML config." };
        var device = new Option<string>("--device") { Description = "The whole disk to install onto (e.g. /dev/sdb, /dev/nvme1n1, /dev/loop0). EVERYTHING ON IT IS ERASED. auto: the disk storage.disk selects.", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Do not ask; required when stdin is not a terminal." };
        var repo = new RepoOptions.Override();
        var progressMode = ProgressOptions.Create();
        var presets = ConfigValidateCommand.PresetsOption();
        var cmd = new Command("install",
            "Install onto a disk with the same engine as 'keel build'. The disk is refused when it is mounted, used as swap, held by " +
            "RAID/LVM/dm, holds the running system or the medium keel runs from, is read-only, or is smaller than the layout. " +
            "The machine's files are prepared first; the disk is written only at the end.\n\n" +
            "Run 'keel plan CONFIG --device DEV' first to see every partition that will be created and erased.\n\n" +
            "Example: keel install server.yaml --device /dev/sdb --yes")
        {
            file, device, yes, progressMode, presets,
        };
        repo.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var engine = ConfigCommandSupport.LoadForEngine(parse.GetValue(file)!, parse.GetValue(presets), repo.Read(parse), stderr, out var exit);
            if (engine is not { } valid)
            {
                return exit;
            }

            var (loaded, request) = valid;
            var dev = parse.GetValue(device) is "auto" ? DisksCommand.PickAuto(loaded, ct) : parse.GetValue(device)!;

            if (!parse.GetValue(yes) && !Confirm(dev, stderr))
            {
                stderr.WriteLine($"keel: not confirmed; nothing was written to {dev} (pass --yes to skip the question)");
                return ExitCodes.Failed;
            }

            using var reporter = ProgressOptions.CreateReporter(parse.GetValue(progressMode)!, parse.InvocationConfiguration.Output, stderr);
            var result = await new DeviceInstaller(new DeviceInstallOptions { Device = dev, SourceDateEpoch = ConfigCommandSupport.SourceDateEpoch() })
                .InstallAsync(loaded, request, reporter, ct).ConfigureAwait(false);
            reporter.Complete($"installed {result.Packages.Count} packages onto {result.Device}; it boots with: {result.KernelCommandLine}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static bool Confirm(string device, TextWriter stderr)
    {
        if (Console.IsInputRedirected)
        {
            return false;
        }

        stderr.Write($"Erase everything on {device} and install? Type 'yes': ");
        return string.Equals(Console.ReadLine()?.Trim(), "yes", StringComparison.Ordinal);
    }
}
