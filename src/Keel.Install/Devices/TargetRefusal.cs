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
}

/// <summary>A disk refused as an install target, with every reason.</summary>
public sealed class InstallTargetException(string device, IReadOnlyList<TargetRefusal> reasons)
    : IOException(reasons.Count == 1 ? $"{device}: {reasons[0].Message}"
        : $"{device}: cannot be an install target: {string.Join("; ", reasons.Select(r => r.Message))}")
{
    public string Device { get; } = device;

    public IReadOnlyList<TargetRefusal> Reasons { get; } = reasons;
}
