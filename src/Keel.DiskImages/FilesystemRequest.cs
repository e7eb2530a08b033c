namespace Keel.DiskImages;

/// <summary>A filesystem to make in a region of a target: ext4, xfs, vfat or swap, optionally populated from a directory.</summary>
public sealed record FilesystemRequest(string Type, string Label, Guid Uuid, string? SourceDirectory, long OffsetBytes, long SizeBytes, long? SourceDateEpoch);
