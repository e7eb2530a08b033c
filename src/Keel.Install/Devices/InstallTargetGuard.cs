namespace Keel.Install.Devices;

/// <summary>
/// Refuses a device `keel install` must not write: mounted, used as swap, held by another device (RAID, LVM, dm-crypt),
/// holding the running system or the medium keel runs from, read-only, or too small (the layout check). Reads /proc and
/// /sys only; paths are injectable so tests can describe a machine.
/// </summary>
public sealed class InstallTargetGuard(string procRoot = "/proc", string sysRoot = "/sys")
{
    /// <summary>
    /// Checks <paramref name="device"/>; <paramref name="mediumPath"/> is a path on the install medium (keel's own directory
    /// by default). Throws <see cref="InstallTargetException"/> listing every reason when the disk cannot be written.
    /// </summary>
    public BlockDeviceInfo Check(string device, string? mediumPath = null, long? minimumBytes = null)
    {
        BlockDeviceInfo info;
        try
        {
            info = BlockDeviceInfo.Read(device, sysRoot);
        }
        catch (IOException e)
        {
            var message = e.Message.StartsWith(device + ": ", StringComparison.Ordinal) ? e.Message[(device.Length + 2)..] : e.Message;
            throw new InstallTargetException(device, [new TargetRefusal(TargetRefusal.NotADisk, message)], inner: e);
        }

        var reasons = Reasons(info, mediumPath, minimumBytes);
        return reasons.Count == 0 ? info : throw new InstallTargetException(device, reasons);
    }

    /// <summary>Every reason <paramref name="info"/> cannot be an install target; empty when it can.</summary>
    public IReadOnlyList<TargetRefusal> Reasons(BlockDeviceInfo info, string? mediumPath = null, long? minimumBytes = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        var reasons = new List<TargetRefusal>();
        if (info.ReadOnly)
        {
            reasons.Add(new(TargetRefusal.ReadOnly, "is read-only"));
        }

        var ours = info.AllDevNumbers.ToHashSet(StringComparer.Ordinal);
        var mounts = Mounts().ToList();
        var held = mounts.Where(m => m.DevNumbers.Any(ours.Contains)).ToList();
        if (held.Any(m => m.MountPoint == "/"))
        {
            reasons.Add(new(TargetRefusal.RunningSystem, "holds the running system (mounted at /); choose another disk"));
        }

        var medium = mediumPath ?? AppContext.BaseDirectory;
        if (DevNumbersOf(medium, mounts) is { } mediumDevs && mediumDevs.Any(ours.Contains))
        {
            reasons.Add(new(TargetRefusal.InstallMedium, $"holds the install medium (keel runs from {medium}); choose another disk"));
        }

        if (held.Count > 0)
        {
            reasons.Add(new(TargetRefusal.Mounted, $"is mounted (at {string.Join(", ", held.Select(m => m.MountPoint).Distinct(StringComparer.Ordinal))}); unmount it first or choose another disk"));
        }

        if (SwapDevNumbers().FirstOrDefault(ours.Contains) is { } swap)
        {
            reasons.Add(new(TargetRefusal.Swap, $"is in use as swap ({swap}); swapoff it first"));
        }

        if (info.Holders.Count > 0)
        {
            reasons.Add(new(TargetRefusal.Held, $"is in use by {string.Join(", ", info.Holders)} (RAID, LVM or dm); release it first"));
        }

        if (minimumBytes is { } min && info.SizeBytes < min)
        {
            reasons.Add(new(TargetRefusal.TooSmall, $"is too small for the layout ({Keel.Config.Validation.ByteSize.Format(info.SizeBytes)}, the layout needs {Keel.Config.Validation.ByteSize.Format(min)})"));
        }

        return reasons;
    }

    private sealed record Mount(IReadOnlyList<string> DevNumbers, string MountPoint);

    // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPER; the device number is only that of a
    // real block device for disk filesystems, so btrfs subvolumes and overlays are matched by their source too.
    private IEnumerable<Mount> Mounts()
    {
        var file = Path.Combine(procRoot, "self", "mountinfo");
        if (!File.Exists(file))
        {
            yield break;
        }

        foreach (var line in File.ReadLines(file))
        {
            var f = line.Split(' ');
            var dash = Array.IndexOf(f, "-");
            if (f.Length < 5 || dash < 0 || dash + 2 >= f.Length)
            {
                continue;
            }

            var source = f[dash + 2];
            var sourceDev = Path.Combine(sysRoot, "class", "block", Path.GetFileName(source), "dev");
            yield return new Mount(
                source.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists(sourceDev) ? [f[2], File.ReadAllText(sourceDev).Trim()] : [f[2]],
                Unescape(f[4]));
        }
    }

    private IEnumerable<string> SwapDevNumbers()
    {
        var file = Path.Combine(procRoot, "swaps");
        if (!File.Exists(file))
        {
            yield break;
        }

        foreach (var line in File.ReadLines(file).Skip(1))
        {
            var name = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            var dev = name is null ? null : Path.Combine(sysRoot, "class", "block", Path.GetFileName(name), "dev");
            if (dev is not null && File.Exists(dev))
            {
                yield return File.ReadAllText(dev).Trim();
            }
        }
    }

    // The mount with the longest mount point that contains the path holds it.
    private static IReadOnlyList<string>? DevNumbersOf(string path, IEnumerable<Mount> mounts)
    {
        var full = Path.GetFullPath(path).TrimEnd('/') + "/";
        return mounts.Where(m => full.StartsWith(m.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.MountPoint.Length)
            .FirstOrDefault()?.DevNumbers;
    }

    private static string Unescape(string field) => field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
        .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
