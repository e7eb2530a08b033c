using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>
/// Writes a fresh GPT (protective MBR, primary + backup) with exactly the given partitions, wiping old signatures at the partition
/// starts; the target is an image file (grown sparse to the disk size first when smaller) or a block device of exactly that size.
/// Uses sgdisk with every GUID given, so the result is deterministic.
/// </summary>
public static class GptWriter
{
    public const long Alignment = 1 << 20;

    /// <summary>The backup GPT: 32 sectors of entries plus the header, at the end of the disk.</summary>
    public const long BackupGptBytes = 33 * TargetInfo.SectorSize;

    /// <summary>How much of each partition's start is cleared, enough for every common signature (ext4 at 1 KiB, btrfs at 64 KiB, LUKS2 headers).</summary>
    public const long WipeBytes = 1 << 20;

    /// <summary>Writes the partition table; throws ArgumentException naming the bad partition, FileNotFoundException for a missing tool or target, IOException when sgdisk fails.</summary>
    public static async Task WriteAsync(string target, long diskBytes, Guid diskGuid, IReadOnlyList<GptPartition> partitions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(partitions);
        Validate(target, diskBytes, diskGuid, partitions);
        var sgdisk = HostTools.Sgdisk;

        if (!File.Exists(target) && !target.StartsWith("/dev/", StringComparison.Ordinal))
        {
            using (File.Create(target))
            {
            }
        }

        var info = await TargetInfo.ProbeAsync(target, ct).ConfigureAwait(false);
        if (info.IsBlockDevice && info.SizeBytes != diskBytes)
        {
            throw new ArgumentException($"{target}: the device holds {info.SizeBytes} bytes but the layout was planned for {diskBytes}");
        }

        if (!info.IsBlockDevice)
        {
            if (info.SizeBytes > diskBytes)
            {
                throw new ArgumentException($"{target}: the file holds {info.SizeBytes} bytes, more than the {diskBytes}-byte disk planned for it");
            }

            if (info.SizeBytes < diskBytes)
            {
                using var handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.SetLength(handle, diskBytes);
            }

            info = info with { SizeBytes = diskBytes };
        }

        // The first and last MiB outside the partitions belong to the table: clearing them drops stale boot code and old tables.
        long lastEnd = partitions.Count == 0 ? 0 : partitions.Max(p => p.EndBytes);
        long tail = Math.Max(Math.Max(lastEnd, diskBytes - Alignment), Alignment);
        await RegionIo.ZeroAsync(info, 0, Alignment, ct).ConfigureAwait(false);
        await RegionIo.ZeroAsync(info, tail, diskBytes - tail, ct).ConfigureAwait(false);
        foreach (var p in partitions)
        {
            await RegionIo.ZeroAsync(info, p.StartBytes, Math.Min(WipeBytes, p.SizeBytes), ct).ConfigureAwait(false);
        }

        var args = new List<string> { "--clear", "--disk-guid=" + diskGuid.ToString("D").ToUpperInvariant() };
        foreach (var p in partitions.OrderBy(p => p.Number))
        {
            long first = p.StartBytes / TargetInfo.SectorSize;
            long last = (p.EndBytes / TargetInfo.SectorSize) - 1;
            args.Add($"--new={p.Number}:{first}:{last}");
            args.Add($"--typecode={p.Number}:{p.TypeGuid.ToString("D").ToUpperInvariant()}");
            args.Add($"--partition-guid={p.Number}:{p.PartitionGuid.ToString("D").ToUpperInvariant()}");
            args.Add($"--change-name={p.Number}:{p.Name}");
        }

        args.Add(target);
        await ToolRunner.RunAsync(sgdisk, args, null, ct).ConfigureAwait(false);
        if (info.IsBlockDevice)
        {
            // sgdisk asks the kernel to re-read the table, but a kernel without GPT parsing (this host's) then drops every
            // partition; partx reads the table itself and adds, updates or removes the kernel's partitions to match.
            await ToolRunner.RunAsync(HostTools.Partx, ["--update", target], null, ct).ConfigureAwait(false);
        }
    }

    private static void Validate(string target, long diskBytes, Guid diskGuid, IReadOnlyList<GptPartition> partitions)
    {
        if (diskBytes % TargetInfo.SectorSize != 0 || diskBytes < Alignment + BackupGptBytes)
        {
            throw new ArgumentException($"{target}: disk size {diskBytes} must be a multiple of {TargetInfo.SectorSize} and at least {Alignment + BackupGptBytes} bytes");
        }

        if (diskGuid == Guid.Empty)
        {
            throw new ArgumentException($"{target}: the disk GUID must not be all zeros");
        }

        if (partitions.Count > 128)
        {
            throw new ArgumentException($"{target}: {partitions.Count} partitions exceed the GPT's 128 entries");
        }

        long usableEnd = diskBytes - BackupGptBytes;
        var seenNumbers = new HashSet<int>();
        var seenGuids = new HashSet<Guid>();
        foreach (var p in partitions)
        {
            var what = $"{target}: partition {p.Number} ({p.Name})";
            if (p.Number is < 1 or > 128 || !seenNumbers.Add(p.Number))
            {
                throw new ArgumentException($"{what}: number must be unique and between 1 and 128");
            }

            if (p.Name is null || p.Name.Length > 36 || p.Name.Any(c => c < ' ' || c == ':'))
            {
                throw new ArgumentException($"{what}: the name must be at most 36 characters with no control characters or ':'");
            }

            if (p.TypeGuid == Guid.Empty || p.PartitionGuid == Guid.Empty || !seenGuids.Add(p.PartitionGuid))
            {
                throw new ArgumentException($"{what}: type and partition GUIDs must be non-zero and partition GUIDs unique");
            }

            if (p.StartBytes % Alignment != 0 || p.StartBytes < Alignment)
            {
                throw new ArgumentException($"{what}: start {p.StartBytes} is not a 1 MiB boundary at or after 1 MiB");
            }

            if (p.SizeBytes <= 0 || p.SizeBytes % TargetInfo.SectorSize != 0 || p.EndBytes > usableEnd)
            {
                throw new ArgumentException($"{what}: size {p.SizeBytes} must be a positive multiple of {TargetInfo.SectorSize} ending by byte {usableEnd}");
            }

            var overlap = partitions.FirstOrDefault(o => !ReferenceEquals(o, p) && o.StartBytes < p.EndBytes && p.StartBytes < o.EndBytes);
            if (overlap is not null)
            {
                throw new ArgumentException($"{what}: overlaps partition {overlap.Number} ({overlap.Name})");
            }
        }
    }
}
