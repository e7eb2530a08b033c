using System.Globalization;
using Keel.Config.Planning;
using Keel.DiskImages;
using Keel.Install.Settings;

namespace Keel.Install.Storage;

/// <summary>
/// One planned partition with the identifiers it gets: GPT entry, filesystem request (without its source tree yet), fstab
/// line, and for an encrypted root the UUID of the LUKS2 volume it becomes on first boot (<see cref="RootEncryption"/>).
/// </summary>
public sealed record LaidOutPartition(PlannedPartition Planned, GptPartition Gpt, FilesystemRequest Filesystem, FstabEntry? Fstab, Guid? LuksUuid = null);

/// <summary>
/// Gives the planned partitions their identifiers. With a config seed every GUID and UUID is derived from it (so a rebuild
/// is bit-identical); without, they are random (so two machines never share them).
/// </summary>
public sealed record DiskLayout(Guid DiskGuid, IReadOnlyList<LaidOutPartition> Partitions)
{
    /// <summary>Lays out <paramref name="planned"/>; <paramref name="sourceDateEpoch"/> fixes filesystem times.</summary>
    public static DiskLayout From(IReadOnlyList<PlannedPartition> planned, string? seed, long? sourceDateEpoch)
    {
        var parts = new List<LaidOutPartition>();
        foreach (var p in planned)
        {
            var partGuid = StableIds.Derive(seed, $"partition:{p.Number}:{p.Label}");
            var fsUuid = StableIds.Derive(seed, $"filesystem:{p.Number}:{p.Label}");
            var label = p.Filesystem == "vfat" ? p.Label.ToUpperInvariant() : p.Label;
            var fsBytes = p.SizeBytes;
            Guid? luks = null;
            if (p.Encrypted)
            {
                // The file system leaves the LUKS2 header's room at the end; first-boot encryption shifts it behind the header.
                fsBytes -= RootEncryption.HeaderReserveBytes;
                if (fsBytes < RootEncryption.HeaderReserveBytes)
                {
                    throw new InvalidDataException($"storage.partitions: encrypted partition '{p.Label}' ({p.SizeBytes} bytes) has no room for a file system beside the 32 MiB LUKS2 header");
                }

                luks = StableIds.Derive(seed, $"luks:{p.Number}:{p.Label}");
            }

            var fs = new FilesystemRequest(p.Filesystem, label, fsUuid, null, p.StartBytes, fsBytes, sourceDateEpoch);
            parts.Add(new LaidOutPartition(p, new GptPartition(p.Number, p.Label, Guid.Parse(p.TypeGuid), partGuid, p.StartBytes, p.SizeBytes), fs, FstabFor(p, fsUuid), luks));
        }

        return new DiskLayout(StableIds.Derive(seed, "disk"), parts);
    }

    /// <summary>The partition mounted at /.</summary>
    public LaidOutPartition Root => Partitions.Single(p => p.Planned.MountPoint == "/");

    /// <summary>How fstab and the kernel name a filesystem: a vfat volume id is 8 hex digits split by a dash.</summary>
    public static string UuidText(string filesystem, Guid uuid)
    {
        if (filesystem != "vfat")
        {
            return uuid.ToString("D");
        }

        var id = StableIds.VolumeId(uuid);
        return string.Create(CultureInfo.InvariantCulture, $"{id >> 16:X4}-{id & 0xffff:X4}");
    }

    private static FstabEntry? FstabFor(PlannedPartition p, Guid uuid)
    {
        var spec = "UUID=" + UuidText(p.Filesystem, uuid);
        return p.Filesystem switch
        {
            "swap" => new FstabEntry(spec, "none", "swap", "defaults", 0),
            _ when p.MountPoint is null => null,
            // umask=0077: the ESP holds boot loader files nobody but root should read or change.
            "vfat" => new FstabEntry(spec, p.MountPoint, "vfat", "umask=0077,shortname=winnt", 2),
            _ => new FstabEntry(spec, p.MountPoint, p.Filesystem, "defaults", p.MountPoint == "/" ? 1 : 2),
        };
    }
}
