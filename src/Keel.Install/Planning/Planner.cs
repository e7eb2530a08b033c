using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Planning;
using Keel.Config.Presets;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Install.Steps;

namespace Keel.Install.Planning;

/// <summary>Turns a validated config and a target into the plan: partitions placed, decisions made, the steps that apply described; touching nothing.</summary>
public static class Planner
{
    /// <summary>
    /// Builds the plan; <paramref name="device"/> is the device read for the fingerprint (null for an image). Throws
    /// InvalidDataException when the layout does not fit the target or has no ESP. With <paramref name="record"/> the
    /// install.record step is part of the plan.
    /// </summary>
    public static Plan Build(LoadedConfig loaded, PackageRequest request, PlanTarget target, DeviceFacts? device = null, InstallRecord? record = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(target);
        var config = loaded.Config;
        bool image = target.Kind == PlanTargetKind.Image;
        var work = target.WritePath;
        var placed = LayoutCalculator.Place(config.Storage.EffectivePartitions(), target.SizeBytes, target.Path, config.Arch, config.Storage.Encryption is not null)
            .Select(p => image ? p with { Device = $"{work} partition {p.Number}" } : p).ToList();
        var settings = ResolvedSettings.Decide(loaded, request, placed, image);
        var context = new PlanningContext(loaded, request, target, placed, settings) { Record = record };
        var actions = InstallSteps.Ordered.Where(s => s.AppliesTo(context)).ToList();

        var messages = request.Mappings.Select(m => new PlanMessage("info", $"{m.Path}: '{m.Requested}' is named '{m.Name}' in {config.Distribution}; requesting '{m.Name}'")).ToList();
        if (config.Repositories.Count == 0)
        {
            messages.Add(new PlanMessage("warning", "no repositories in the config: the build needs --repo"));
        }

        return new Plan(loaded.Source, target, config.Distribution, request.Preset.Name, ConfigNames.EnumValue(config.Arch), placed, request.Install, messages,
            [.. actions.Select(a => a.Describe(context))], PlanFingerprint.Take(loaded, request, target, device), settings, loaded, request, actions);
    }

    /// <summary>The image format for an output path: the config's, else the extension's, else raw.</summary>
    public static ImageFormat FormatFor(string output, ImageFormat? configured) => configured ?? Path.GetExtension(output).ToLowerInvariant() switch
    {
        ".qcow2" => ImageFormat.Qcow2,
        ".vhd" => ImageFormat.Vhd,
        ".vhdx" => ImageFormat.Vhdx,
        _ => ImageFormat.Raw,
    };
}
