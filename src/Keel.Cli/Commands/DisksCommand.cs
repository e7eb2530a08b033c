using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Install.Devices;

namespace Keel.Cli.Commands;

/// <summary>`keel disks [--json] [--config CONFIG]`: the machine's disks and every reason each cannot be an install target.</summary>
internal static class DisksCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the disks as JSON." };
        var config = new Option<string>("--config") { Description = "Also refuse disks too small for this keel/v1 config's layout, and mark the one its storage.disk selects." };
        var presets = ConfigValidateCommand.PresetsOption();
        var cmd = new Command("disks",
            "List block devices: path, /dev/disk/by-id names, WWN, serial, model, size, sector sizes, transport, partitions, and every reason " +
            "'keel install' would refuse the disk (mounted, holds /, holds the install medium, held by RAID/LVM/dm, swap, read-only, too small).\n\n" +
            "Example: keel disks --config server.yaml")
        {
            json, config, presets,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            LoadedConfig? loaded = null;
            if (parse.GetValue(config) is { } path)
            {
                loaded = ConfigCommandSupport.LoadValid(path, PresetCatalog.CreateDefault(parse.GetValue(presets)), parse.InvocationConfiguration.Error, out var exit);
                if (loaded is null)
                {
                    return exit;
                }
            }

            var disks = await new DiskLister(new InstallTargetGuard()).ListAsync(loaded?.Config.Storage, null, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(disks, DisksJsonContext.Default.IReadOnlyListDiskInfo));
                return ExitCodes.Ok;
            }

            foreach (var d in disks)
            {
                stdout.WriteLine($"{d.Path}  {ByteSize.Format(d.SizeBytes)}  {d.Transport ?? "-"}  {d.Model ?? ""}".TrimEnd());
                foreach (var id in d.ById)
                {
                    stdout.WriteLine($"  id: {id}");
                }

                foreach (var p in d.Partitions)
                {
                    stdout.WriteLine($"  {p.Path}  {ByteSize.Format(p.SizeBytes)}  {p.FsType ?? "-"}  {p.Label ?? ""}".TrimEnd());
                }

                stdout.WriteLine(d.Refusals.Count == 0 ? "  can be an install target" : "  not a target: " + string.Join("; ", d.Refusals.Select(r => $"{r.Message} [{r.Code}]")));
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>The disk `--device auto` means: the one the config's storage.disk selects among the machine's disks.</summary>
    public static string PickAuto(LoadedConfig loaded, CancellationToken cancellationToken)
    {
        if (loaded.Config.Storage.Disk is not { } selector)
        {
            throw new InvalidDataException($"{loaded.Source}: --device auto needs storage.disk in the config (a path or a selector)");
        }

        var disks = new DiskLister(new InstallTargetGuard()).ListAsync(loaded.Config.Storage, null, cancellationToken).GetAwaiter().GetResult();
        return DiskSelection.Pick(selector, disks).Path;
    }
}

/// <summary>Source-generated JSON for `keel disks --json`.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<DiskInfo>))]
internal sealed partial class DisksJsonContext : JsonSerializerContext;
