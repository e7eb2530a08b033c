using System.Text.Json.Serialization;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Planning;
using Keel.Config.Presets;
using Keel.Install.Steps;

namespace Keel.Install.Planning;

/// <summary>Whether the plan writes an image file or a block device.</summary>
public enum PlanTargetKind
{
    Image,
    Device,
}

/// <summary>What a plan writes to: an image file (`keel build -o`) or a device (`keel install --device`), and its size.</summary>
public sealed record PlanTarget(PlanTargetKind Kind, string Path, long SizeBytes, ImageFormat? Format)
{
    /// <summary>Suffix of the temporary image; it is renamed to the output only when complete.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>What the engine writes: the partial image beside the output (renamed when complete), or the device itself.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string WritePath => Kind == PlanTargetKind.Image ? Path + PartialSuffix : Path;
}

/// <summary>What kind of damage a destructive operation does.</summary>
public enum DestructiveKind
{
    CreateFile,
    ReplaceFile,
    WipeDevice,
    CreatePartition,
    Encrypt,
    Format,
}

/// <summary>One thing a step destroys or overwrites, named precisely enough to confirm before running.</summary>
public sealed record DestructiveOperation(DestructiveKind Kind, string Target, string Description, long? SizeBytes = null);

/// <summary>What one step of the plan will do: its stable id (also the progress step id), a title, details and everything it destroys.</summary>
public sealed record PlanStep(string Id, string Title, IReadOnlyList<string> Details, IReadOnlyList<DestructiveOperation> Destructive);

/// <summary>An informational or warning message attached to the plan (e.g. a package name mapped to the distribution's name).</summary>
public sealed record PlanMessage(string Severity, string Text);

/// <summary>
/// The ordered steps that turn a config into a machine on a target, decided once; nothing is touched while planning.
/// A front end shows this value, the user confirms it, and <see cref="InstallEngine.ExecuteAsync"/> runs exactly it.
/// <paramref name="Settings"/> are the decisions the system steps carry out, <paramref name="Loaded"/> and
/// <paramref name="Request"/> what the plan was made from (executing never re-reads the file), <paramref name="Actions"/>
/// the step objects in the order of <paramref name="Steps"/>; these four are not part of the JSON form.
/// </summary>
public sealed record Plan(
    string Config,
    PlanTarget Target,
    string Distribution,
    string Preset,
    string Architecture,
    IReadOnlyList<PlannedPartition> Partitions,
    IReadOnlyList<string> Packages,
    IReadOnlyList<PlanMessage> Messages,
    IReadOnlyList<PlanStep> Steps,
    PlanFingerprint Fingerprint,
    [property: JsonIgnore] ResolvedSettings Settings,
    [property: JsonIgnore] LoadedConfig Loaded,
    [property: JsonIgnore] PackageRequest Request,
    [property: JsonIgnore] IReadOnlyList<InstallStep> Actions);
