using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Planning;
using Keel.Config.Presets;
using Keel.Install.Planning;

namespace Keel.Install.Steps;

/// <summary>What every step's description is made from: the config, the package request, the target, the placed partitions and the decisions.</summary>
public sealed record PlanningContext(LoadedConfig Loaded, PackageRequest Request, PlanTarget Target, IReadOnlyList<PlannedPartition> Partitions, ResolvedSettings Settings)
{
    /// <summary>The config model.</summary>
    public MachineConfig Config => Loaded.Config;

    /// <summary>True for an image file, false for a device.</summary>
    public bool Image => Target.Kind == PlanTargetKind.Image;

    /// <summary>What is written: the partial image beside the output, or the device itself.</summary>
    public string Work => Target.WritePath;

    /// <summary>The live installer's record for install.record; null for `keel build` and `keel install`.</summary>
    public Engine.InstallRecord? Record { get; init; }
}
