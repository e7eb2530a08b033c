using System.CommandLine;
using System.Text.Json;
using Keel.Config.Presets;
using Keel.Errors;
using Keel.Install;
using Keel.Install.Planning;

namespace Keel.Cli.Commands;

/// <summary>`keel plan CONFIG`: the ordered steps and destructive operations of a build or install, touching nothing.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("CONFIG") { Description = "The keel/v1 YAML config." };
        var device = new Option<string>("--device") { Description = "Plan an install onto this block device (its size is read; nothing is written); auto: the disk storage.disk selects." };
        var output = new Option<string>("--output", "-o") { Description = "Plan an image build to this file (size from output.size)." };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON." };
        var presets = ConfigValidateCommand.PresetsOption();
        var cmd = new Command("plan",
            "Print what a build or install would do, step by step, with every destructive operation; nothing is touched.\n" +
            "Without --device or -o, plans an image named after the config in the current directory.\n\n" +
            "Example: keel plan examples/fixture/container-host.yaml -o host.qcow2")
        {
            file, device, output, json, presets,
        };
        cmd.Validators.Add(r =>
        {
            if (r.GetResult(device) is not null && r.GetResult(output) is not null)
            {
                r.AddError("give either --device or -o, not both");
            }
        });
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(file)!;
            var catalog = PresetCatalog.CreateDefault(parse.GetValue(presets));
            var loaded = ConfigCommandSupport.LoadValid(path, catalog, stderr, out var exit);
            if (loaded is null)
            {
                return exit;
            }

            var dev = parse.GetValue(device) is { } given ? (given == "auto" ? DisksCommand.PickAuto(loaded, CancellationToken.None) : given) : null;
            if (dev is not null && ConfigCommandSupport.TargetRefused(loaded, dev, path, stderr))
            {
                return ExitCodes.Failed;
            }

            // The plan touches nothing, so a device is not guarded here (a file may stand in for it); keel install guards it.
            var engine = new InstallEngine();
            var request = PackageRequest.Build(loaded, catalog);
            var plan = dev is not null
                ? engine.PlanDevice(loaded, request, dev, checkDevice: false)
                : engine.PlanImage(loaded, request, parse.GetValue(output) ?? Path.GetFileNameWithoutExtension(path) + ".raw");
            if (parse.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(plan, PlanJsonContext.Default.Plan));
            }
            else
            {
                PlanText.Print(plan, stdout);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }
}
