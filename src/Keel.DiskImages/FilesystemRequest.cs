namespace Keel.DiskImages;

/// <summary>A filesystem to make in a region of a target: ext4, xfs, vfat or swap, optionally populated from a directory.</summary>
public sealed record FilesystemRequest(string Type, string Label, Guid Uuid, string? SourceDirectory, long OffsetBytes, long SizeBytes, long? SourceDateEpoch)
{
    /// <summary>
    /// Paths relative to <see cref="SourceDirectory"/> whose mtime is kept even when later than SOURCE_DATE_EPOCH: packaged
    /// files whose mtime is the one their package header records (rpm -Va checks it). Everything else is clamped.
    /// </summary>
    public IReadOnlySet<string>? PreservedMtimes { get; init; }
}
