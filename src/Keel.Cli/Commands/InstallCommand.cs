using System.CommandLine;
using Keel.Errors;
using Keel.Install.Planning;

namespace Keel.Cli.Commands;

/// <summary>`keel install CONFIG --device DEV`: install onto a disk, erasing it.</summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var shared = new EngineCommandOptions();
        var device = new Option<string>("--device") { Description = "The whole disk to install onto (e.g. /dev/sdb, /dev/nvme1n1, /dev/loop0). EVERYTHING ON IT IS ERASED. auto: the disk storage.disk selects.", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Do not ask; required when stdin is not a terminal." };
        return shared.CreateCommand("install",
            "Install onto a disk with the same engine as 'keel build'. The disk is refused when it is mounted, used as swap, held by " +
            "RAID/LVM/dm, holds the running system or the medium keel runs from, is read-only, or is smaller than the layout. " +
            "The machine's files are prepared first; the disk is written only at the end.\n\n" +
            "Run 'keel plan CONFIG --device DEV' first to see every partition that will be created and erased.\n\n" +
            "Example: keel install server.yaml --device /dev/sdb --yes",
            [device, yes],
            async (parse, loaded, request, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(shared.File)!;
            var dev = parse.GetValue(device) is "auto" ? DisksCommand.PickAuto(loaded, ct) : parse.GetValue(device)!;

            // Everything the engine would refuse on this disk is refused now, before anything is downloaded.
            if (ConfigCommandSupport.TargetRefused(loaded, dev, path, stderr))
            {
                return ExitCodes.Failed;
            }

            await using var signingKey = await shared.OpenSigningKeyAsync(parse, ct).ConfigureAwait(false);
            var engine = EngineCommandOptions.CreateEngine(signingKey);
            var plan = engine.PlanDevice(loaded, request, dev);
            if (!parse.GetValue(yes) && !Confirm(plan, stderr))
            {
                stderr.WriteLine($"keel: not confirmed; nothing was written to {dev} (pass --yes to skip the question)");
                return ExitCodes.Failed;
            }

            // The confirmed plan is what runs; the engine refuses it if the config or the disk changed since.
            using var reporter = shared.CreateReporter(parse);
            var result = await engine.ExecuteAsync(plan, reporter, ct).ConfigureAwait(false);
            reporter.Complete($"installed {result.Packages.Count} packages onto {dev}; it boots with: {result.KernelCommandLine}");
            return ExitCodes.Ok;
        });
    }

    // The destructive operations of the plan are what the user confirms.
    private static bool Confirm(Plan plan, TextWriter stderr)
    {
        if (Console.IsInputRedirected)
        {
            return false;
        }

        foreach (var op in plan.Steps.SelectMany(s => s.Destructive))
        {
            stderr.WriteLine($"  ! {op.Description}");
        }

        stderr.Write($"Erase everything on {plan.Target.Path} and install? Type 'yes': ");
        return string.Equals(Console.ReadLine()?.Trim(), "yes", StringComparison.Ordinal);
    }
}
