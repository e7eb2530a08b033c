namespace Keel.Config.Planning;

/// <summary>A partition placed on the target: where it starts, how big it is, what it holds.</summary>
public sealed record PlannedPartition(
    int Number, string Label, string Role, string TypeGuid, string? MountPoint, string Filesystem,
    long StartBytes, long SizeBytes, bool Grows, bool Encrypted, string Device);
