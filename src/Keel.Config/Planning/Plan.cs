using Keel.Config.Model;

namespace Keel.Config.Planning;

/// <summary>Whether the plan writes an image file or a block device.</summary>
public enum PlanTargetKind
{
    Image,
    Device,
}

/// <summary>What a plan writes to: an image file (`keel build -o`) or a device (`keel install --device`), and its size.</summary>
public sealed record PlanTarget(PlanTargetKind Kind, string Path, long SizeBytes, ImageFormat? Format);

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

/// <summary>One named step of the engine, with a stable id (also the progress phase id) and everything it will destroy.</summary>
public sealed record PlanStep(string Id, string Title, IReadOnlyList<string> Details, IReadOnlyList<DestructiveOperation> Destructive);

/// <summary>A partition placed on the target: where it starts, how big it is, what it holds.</summary>
public sealed record PlannedPartition(
    int Number, string Label, string Role, string TypeGuid, string? MountPoint, string Filesystem,
    long StartBytes, long SizeBytes, bool Grows, bool Encrypted, string Device);

/// <summary>An informational or warning message attached to the plan (e.g. a package name mapped to the distribution's name).</summary>
public sealed record PlanMessage(string Severity, string Text);

/// <summary>The ordered steps that turn a config into a machine on a target; nothing is touched while planning.</summary>
public sealed record Plan(
    string Config,
    PlanTarget Target,
    string Distribution,
    string Preset,
    string Architecture,
    IReadOnlyList<PlannedPartition> Partitions,
    IReadOnlyList<string> Packages,
    IReadOnlyList<PlanMessage> Messages,
    IReadOnlyList<PlanStep> Steps);
