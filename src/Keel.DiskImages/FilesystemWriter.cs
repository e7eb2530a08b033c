namespace Keel.DiskImages;

/// <summary>
/// Makes a filesystem in [OffsetBytes, OffsetBytes+SizeBytes) of a target (an image file holding the whole disk, or a partition
/// device with offset 0), populated from SourceDirectory (null: empty). Nothing outside the region is written.
/// </summary>
public static class FilesystemWriter
{
    /// <summary>The filesystem types this writer makes.</summary>
    public static readonly IReadOnlyList<string> Types = ["ext4", "xfs", "vfat", "swap"];

    /// <summary>Creates the filesystem; bad requests throw ArgumentException, missing tools FileNotFoundException, tool failures IOException, all one line.</summary>
    public static async Task CreateAsync(string target, FilesystemRequest request, IProgress<string>? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        ValidateRequest(target, request);
        var info = await TargetInfo.ProbeAsync(target, ct).ConfigureAwait(false);
        if (request.OffsetBytes + request.SizeBytes > info.SizeBytes)
        {
            throw new ArgumentException($"{target}: region [{request.OffsetBytes}, {request.OffsetBytes + request.SizeBytes}) for {request.Type} '{request.Label}' " +
                $"ends past the target's {info.SizeBytes} bytes");
        }

        if (info.IsBlockDevice && request.Type is "xfs" or "swap" && (request.OffsetBytes != 0 || request.SizeBytes != info.SizeBytes))
        {
            // mkfs.xfs and mkswap have no offset option; on a device they get the whole (partition) device or nothing.
            throw new ArgumentException($"{target}: {request.Type} on a device needs the whole device (a partition), not a region at offset {request.OffsetBytes}");
        }

        log?.Report($"{request.Type} '{request.Label}' at {request.OffsetBytes} ({request.SizeBytes} bytes) of {target}");
        var region = new TargetRegion(info, request.OffsetBytes, request.SizeBytes);

        // A freshly cleared region is what makes two runs over the same tree give the same bytes.
        await RegionIo.ClearAsync(info, request.OffsetBytes, request.SizeBytes, ct).ConfigureAwait(false);
        switch (request.Type)
        {
            case "ext4":
                await Ext4Maker.CreateAsync(region, request, log, ct).ConfigureAwait(false);
                break;
            case "vfat":
                await VfatMaker.CreateAsync(region, request, log, ct).ConfigureAwait(false);
                break;
            case "xfs":
                await XfsMaker.CreateAsync(region, request, log, ct).ConfigureAwait(false);
                break;
            case "swap":
                await SwapMaker.CreateAsync(region, request, ct).ConfigureAwait(false);
                break;
        }
    }

    private static void ValidateRequest(string target, FilesystemRequest r)
    {
        var what = $"{target}: {r.Type} '{r.Label}'";
        if (!Types.Contains(r.Type))
        {
            throw new ArgumentException($"{target}: unknown filesystem type '{r.Type}' (expected {string.Join(", ", Types)})");
        }

        if (r.OffsetBytes < 0 || r.OffsetBytes % GptWriter.Alignment != 0)
        {
            throw new ArgumentException($"{what}: offset {r.OffsetBytes} is not a multiple of 1 MiB");
        }

        if (r.SizeBytes <= 0 || r.SizeBytes % 4096 != 0)
        {
            throw new ArgumentException($"{what}: size {r.SizeBytes} must be a positive multiple of 4096");
        }

        if (r.Uuid == Guid.Empty)
        {
            throw new ArgumentException($"{what}: the UUID must not be all zeros");
        }

        if (r.SourceDateEpoch is < 0 or > uint.MaxValue)
        {
            throw new ArgumentException($"{what}: SOURCE_DATE_EPOCH {r.SourceDateEpoch} is outside 0..{uint.MaxValue}");
        }

        int maxLabel = r.Type switch { "ext4" => 16, "vfat" => 11, "xfs" => 12, _ => 15 };
        if (r.Label is null || System.Text.Encoding.UTF8.GetByteCount(r.Label) > maxLabel || r.Label.Any(char.IsControl))
        {
            throw new ArgumentException($"{what}: the label must be at most {maxLabel} bytes without control characters");
        }

        if (r.Type == "vfat" && (!string.Equals(r.Label, r.Label.ToUpperInvariant(), StringComparison.Ordinal) || r.Label.Any(c => c > 0x7e || "\"*+,./:;<=>?[\\]|".Contains(c))))
        {
            throw new ArgumentException($"{what}: a FAT label must be upper-case ASCII without any of \"*+,./:;<=>?[\\]|");
        }

        if (r.SourceDirectory is not null && !Directory.Exists(r.SourceDirectory))
        {
            throw new ArgumentException($"{what}: source directory {r.SourceDirectory} does not exist");
        }

        if (r.SourceDirectory is not null && r.Type == "swap")
        {
            throw new ArgumentException($"{what}: swap takes no source directory");
        }
    }
}

/// <summary>The byte range of a target that one filesystem occupies.</summary>
internal sealed record TargetRegion(TargetInfo Target, long OffsetBytes, long SizeBytes)
{
    public string Path => Target.Path;
}
