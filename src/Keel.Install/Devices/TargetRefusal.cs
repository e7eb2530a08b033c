using Keel.Errors;

namespace Keel.Install.Devices;

/// <summary>One reason a disk cannot be an install target: a stable code (for programs and front ends) and a message.</summary>
public sealed record TargetRefusal(string Code, string Message)
{
    public const string ReadOnly = "read-only";
    public const string RunningSystem = "holds-root";
    public const string InstallMedium = "install-medium";
    public const string Mounted = "mounted";
    public const string Swap = "swap";
    public const string Held = "held";
    public const string TooSmall = "too-small";

    /// <summary>Not a whole block device: a file, a partition, something else.</summary>
    public const string NotADisk = "not-a-disk";

    /// <summary>A logical sector size the partitioner and the file-system makers do not write.</summary>
    public const string SectorSize = "sector-size";

    /// <summary>The config asks for something the engine does not do on a device (LUKS2 with keel install).</summary>
    public const string Unsupported = "unsupported";
}

/// <summary>A disk refused as an install target, with every reason; reason code target-refused.</summary>
public sealed class InstallTargetException(string device, IReadOnlyList<TargetRefusal> reasons, string? hint = null, Exception? inner = null)
    : KeelException(ReasonCodes.TargetRefused, device,
        reasons.Count == 1 ? $"{device}: {reasons[0].Message}" : $"{device}: cannot be an install target: {string.Join("; ", reasons.Select(r => r.Message))}",
        hint, inner)
{
    public string Device { get; } = device;

    public IReadOnlyList<TargetRefusal> Reasons { get; } = reasons;
}
