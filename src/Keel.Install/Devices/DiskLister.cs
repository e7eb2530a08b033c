using System.Globalization;
using Keel.Config.Model;
using Keel.Config.Validation;

namespace Keel.Install.Devices;

/// <summary>A partition of a listed disk, with what blkid finds on it.</summary>
public sealed record PartitionInfo(string Path, long SizeBytes, string? FsType, string? Label);

/// <summary>One whole disk as `keel disks` shows it, with every reason it cannot be an install target.</summary>
public sealed record DiskInfo(
    string Path,
    string Name,
    IReadOnlyList<string> ById,
    string? Wwn,
    string? Serial,
    string? Model,
    long SizeBytes,
    int LogicalSectorSize,
    int PhysicalSectorSize,
    bool Removable,
    bool Rotational,
    bool ReadOnly,
    string? Transport,
    IReadOnlyList<PartitionInfo> Partitions,
    IReadOnlyList<TargetRefusal> Refusals)
{
    /// <summary>No partitions and no filesystem signature found.</summary>
    public bool Empty => Partitions.Count == 0;
}

/// <summary>
/// Lists the machine's whole disks from sysfs and /dev/disk/by-id, partitions' filesystems from blkid, and judges each
/// with <see cref="InstallTargetGuard"/> so the listing and `keel install` never disagree.
/// </summary>
public sealed class DiskLister(InstallTargetGuard guard, string sysRoot = "/sys", string devRoot = "/dev")
{
    /// <summary>Every whole disk with a non-zero size (unattached loop devices and empty drives are left out).</summary>
    public async Task<IReadOnlyList<DiskInfo>> ListAsync(StorageConfig? layout, string? mediumPath, CancellationToken cancellationToken)
    {
        var minimum = layout is null ? (long?)null : MinimumBytes(layout);
        var byId = ByIdLinks(devRoot);
        var disks = new List<DiskInfo>();
        var block = Path.Combine(sysRoot, "block");
        foreach (var name in Directory.EnumerateFileSystemEntries(block).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
        {
            var sys = Path.Combine(block, name);
            if (name.StartsWith("ram", StringComparison.Ordinal) || name.StartsWith("zram", StringComparison.Ordinal) || Read(sys, "size") is not { } size || size == "0")
            {
                continue;
            }

            var path = Path.Combine(devRoot, name);
            if (!File.Exists(path) && !Path.Exists(path))
            {
                continue;
            }

            var info = BlockDeviceInfo.Read(path, sysRoot);
            var partitions = new List<PartitionInfo>();
            foreach (var part in Directory.EnumerateDirectories(sys).Where(d => File.Exists(Path.Combine(d, "partition"))).Order(StringComparer.Ordinal))
            {
                var partPath = Path.Combine(devRoot, Path.GetFileName(part));
                var (fs, label) = await ProbeAsync(partPath, cancellationToken).ConfigureAwait(false);
                partitions.Add(new PartitionInfo(partPath, Number(Read(part, "size")) * 512, fs, label));
            }

            // A filesystem written straight onto the whole disk counts as a partition-like use of it.
            var (wholeFs, wholeLabel) = partitions.Count == 0 ? await ProbeAsync(path, cancellationToken).ConfigureAwait(false) : (null, null);
            if (wholeFs is not null)
            {
                partitions.Add(new PartitionInfo(path, info.SizeBytes, wholeFs, wholeLabel));
            }

            disks.Add(new DiskInfo(
                path, name, byId.TryGetValue(name, out var ids) ? ids : UdevLessById(devRoot, name, Read(sys, "serial")),
                Read(sys, "wwid") ?? Read(sys, "device/wwid"),
                Read(sys, "serial") ?? Read(sys, "device/serial"),
                Read(sys, "device/model"),
                info.SizeBytes,
                (int)Number(Read(sys, "queue/logical_block_size") ?? "512"),
                (int)Number(Read(sys, "queue/physical_block_size") ?? "512"),
                Read(sys, "removable") == "1",
                Read(sys, "queue/rotational") == "1",
                info.ReadOnly,
                Transport(sys, name),
                partitions,
                guard.Reasons(info, mediumPath, minimum)));
        }

        return disks;
    }

    /// <summary>The smallest disk the layout fits: every absolute size (a growing partition's is its minimum), plus alignment and both GPTs.</summary>
    public static long MinimumBytes(StorageConfig layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        long sum = 0;
        foreach (var p in layout.EffectivePartitions())
        {
            if (p.Size is { } s && ByteSize.TryParse(s, out _, out _) is { IsPercent: false } size)
            {
                sum += size.Bytes;
            }
        }

        return sum + (2 * ByteSize.MiB);
    }

    // Transport is not a sysfs attribute; the device's place in the bus hierarchy says it (as lsblk works it out).
    private string? Transport(string sys, string name)
    {
        if (name.StartsWith("nvme", StringComparison.Ordinal))
        {
            return "nvme";
        }

        if (name.StartsWith("loop", StringComparison.Ordinal))
        {
            return "loop";
        }

        var real = new DirectoryInfo(sys).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? sys;
        return real switch
        {
            _ when real.Contains("/usb", StringComparison.Ordinal) => "usb",
            _ when real.Contains("/virtio", StringComparison.Ordinal) => "virtio",
            _ when real.Contains("/ata", StringComparison.Ordinal) => "sata",
            _ when real.Contains("/mmc", StringComparison.Ordinal) => "mmc",
            _ when real.Contains("/host", StringComparison.Ordinal) => "scsi",
            _ => null,
        };
    }

    /// <summary>The /dev/disk/by-id names of every device, by kernel name.</summary>
    /// <summary>
    /// A live system without udev has no /dev/disk/by-id: a virtio disk's name is then the one udev's
    /// 60-persistent-storage rules would give it (virtio-SERIAL, from its sysfs serial), so the installer can still name
    /// the disk by something stable. It is a name for matching and showing, not a path to open.
    /// </summary>
    internal static IReadOnlyList<string> UdevLessById(string devRoot, string name, string? serial) =>
        name.StartsWith("vd", StringComparison.Ordinal) && serial is { Length: > 0 } && serial.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? [Path.Combine(devRoot, "disk", "by-id", "virtio-" + serial)]
            : [];

    internal static Dictionary<string, List<string>> ByIdLinks(string devRoot)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var dir = Path.Combine(devRoot, "disk", "by-id");
        if (!Directory.Exists(dir))
        {
            return result;
        }

        foreach (var link in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
        {
            if (new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                (result.TryGetValue(target.Name, out var list) ? list : result[target.Name] = []).Add(link);
            }
        }

        return result;
    }

    // blkid exits 2 when it finds no signature: that is an answer (empty), not a failure.
    private static async Task<(string? Fs, string? Label)> ProbeAsync(string device, CancellationToken cancellationToken)
    {
        var result = await Keel.Processes.ToolRunner.RunAsync("blkid", ["-p", "-o", "export", device], null, cancellationToken, allowFailure: true, debianPackage: "util-linux").ConfigureAwait(false);
        var values = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        return (values.GetValueOrDefault("TYPE") ?? values.GetValueOrDefault("PTTYPE"), values.GetValueOrDefault("LABEL"));
    }

    internal static string? Read(string dir, string file)
    {
        var path = Path.Combine(dir, file);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } text ? text : null : null;
        }
        catch (IOException)
        {
            // A sysfs attribute can exist and still refuse to be read: a CD-ROM's device/wwid answers ENXIO. An
            // attribute that cannot be read tells nothing, like one that is missing.
            return null;
        }
    }

    private static long Number(string? text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
