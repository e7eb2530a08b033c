using System.CommandLine;
using System.Text.Json;
using Keel.Config.Loading;
using Keel.Config.Planning;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;

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
            var path = parse.GetValue(file)!;
            var catalog = PresetCatalog.CreateDefault(parse.GetValue(presets));
            var loaded = ConfigCommandSupport.LoadValid(path, catalog, parse.InvocationConfiguration.Error, out var exit);
            if (loaded is null)
            {
                return exit;
            }

            var target = parse.GetValue(device) is { } given
                && (given == "auto" ? DisksCommand.PickAuto(loaded, CancellationToken.None) : given) is { } dev
                ? new PlanTarget(PlanTargetKind.Device, dev, ReadDeviceSize(dev), null)
                : ImageTarget(parse.GetValue(output) ?? Path.GetFileNameWithoutExtension(path) + ".raw", loaded);
            if (target.Kind == PlanTargetKind.Device && Refused(loaded, target.Path, path, parse.InvocationConfiguration.Error))
            {
                return ExitCodes.Failed;
            }

            var plan = Planner.Build(loaded, PackageRequest.Build(loaded, catalog), target);
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

    // What the engine would refuse on this device is reported now, in the config's own FILE:LINE:COL form.
    private static bool Refused(LoadedConfig loaded, string device, string configPath, TextWriter stderr)
    {
        var errors = TargetRules.ForDevice(loaded, device, ReadLogicalSectorSize(device));
        foreach (var d in errors)
        {
            stderr.WriteLine(d.Format(configPath));
        }

        if (errors.Count > 0)
        {
            stderr.WriteLine($"keel: {configPath} cannot be installed onto {device}");
        }

        return errors.Count > 0;
    }

    private static PlanTarget ImageTarget(string output, LoadedConfig loaded)
    {
        var size = ByteSize.TryParse(loaded.Config.Output.Size, out _, out _)!.Value.Bytes;
        return new PlanTarget(PlanTargetKind.Image, output, size, Planner.FormatFor(output, loaded.Config.Output.Format));
    }

    /// <summary>The size of a block device (from sysfs) or of a regular file standing in for one; nothing is opened for writing.</summary>
    private static long ReadDeviceSize(string device)
    {
        var info = new FileInfo(device);
        if (!Path.Exists(device))
        {
            throw new IOException($"{device}: no such device");
        }

        if (info.Exists && (info.Attributes & FileAttributes.Device) == 0 && info.Length > 0)
        {
            return info.Length;
        }

        var name = Path.GetFileName(info.ResolveLinkTarget(true)?.FullName ?? device);
        var sys = $"/sys/class/block/{name}/size";
        if (!File.Exists(sys))
        {
            throw new IOException($"{device}: not a block device (no {sys})");
        }

        return long.Parse(File.ReadAllText(sys).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;
    }

    /// <summary>The logical sector size of a block device from sysfs (a partition's is its disk's); a regular file standing in for one has 512.</summary>
    private static int ReadLogicalSectorSize(string device)
    {
        var info = new FileInfo(device);
        if (info.Exists && (info.Attributes & FileAttributes.Device) == 0 && info.Length > 0)
        {
            return TargetRules.SupportedSectorSize;
        }

        var name = Path.GetFileName(info.ResolveLinkTarget(true)?.FullName ?? device);
        foreach (var queue in new[] { $"/sys/class/block/{name}/queue/logical_block_size", $"/sys/class/block/{name}/../queue/logical_block_size" })
        {
            if (File.Exists(queue))
            {
                return int.Parse(File.ReadAllText(queue).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return TargetRules.SupportedSectorSize;
    }
}
