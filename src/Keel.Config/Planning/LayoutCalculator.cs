using Keel.Config.Model;
using Keel.Config.Validation;

namespace Keel.Config.Planning;

/// <summary>Places a partition list on a disk of a given size: GPT with 1 MiB alignment, the growing partition taking the rest.</summary>
public static class LayoutCalculator
{
    public const long Alignment = ByteSize.MiB;

    /// <summary>The primary GPT (protective MBR, header, 128 entries) fits in the first MiB; the backup GPT takes 33 sectors at the end.</summary>
    public const long BackupGptBytes = 33 * 512;

    /// <summary>Computes the partitions' places; throws InvalidDataException naming <paramref name="targetName"/> when the layout does not fit.</summary>
    public static List<PlannedPartition> Place(IReadOnlyList<PartitionConfig> partitions, long diskBytes, string targetName,
        MachineArchitecture arch, bool encryptRoot)
    {
        long usableEnd = (diskBytes - BackupGptBytes) / Alignment * Alignment;
        var sizes = new long[partitions.Count];
        long fixedTotal = 0;
        int grow = -1;
        long growMinimum = Alignment;
        for (int i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i];
            var parsed = p.Size is null ? null : ByteSize.TryParse(p.Size, out _, out _);
            if (p.Size is not null && parsed is null)
            {
                throw new InvalidDataException($"partition {i + 1}: '{p.Size}' is not a size");
            }

            if (p.Grow)
            {
                grow = i;
                growMinimum = Math.Max(Alignment, RoundUp(parsed?.Bytes ?? Alignment));
                continue;
            }

            sizes[i] = parsed!.Value.IsPercent ? diskBytes * parsed.Value.Percent / 100 / Alignment * Alignment : RoundUp(parsed.Value.Bytes);
            fixedTotal += sizes[i];
        }

        if (grow < 0)
        {
            throw new InvalidDataException("no partition grows into the remaining space");
        }

        long remaining = usableEnd - Alignment - fixedTotal;
        if (remaining < growMinimum)
        {
            long needed = Alignment + fixedTotal + growMinimum + BackupGptBytes;
            throw new InvalidDataException($"{targetName}: the layout needs at least {ByteSize.Format(needed)} but the target holds {ByteSize.Format(diskBytes)}");
        }

        sizes[grow] = remaining;
        var placed = new List<PlannedPartition>(partitions.Count);
        long start = Alignment;
        for (int i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i];
            var role = PartitionRoles.Of(p);
            placed.Add(new PlannedPartition(
                i + 1, p.Label ?? PartitionRoles.DefaultLabel(p), role.ToString().ToLowerInvariant(), PartitionRoles.TypeGuid(role, arch),
                p.MountPoint, Loading.ConfigNames.EnumValue(p.Fs), start, sizes[i], p.Grow, encryptRoot && role == PartitionRole.Root,
                PartitionDevice(targetName, i + 1)));
            start += sizes[i];
        }

        return placed;
    }

    /// <summary>The kernel's name for partition <paramref name="number"/> of <paramref name="device"/>: sda1, but nvme0n1p1 and loop0p1.</summary>
    public static string PartitionDevice(string device, int number) =>
        device.Length > 0 && char.IsDigit(device[^1]) ? $"{device}p{number}" : $"{device}{number}";

    private static long RoundUp(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
}
