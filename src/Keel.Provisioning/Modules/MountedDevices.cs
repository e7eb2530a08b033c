using System.Globalization;
using System.Text;

namespace Keel.Provisioning.Modules;

/// <summary>One line of /proc/self/mountinfo: where, what filesystem, and the device number behind it.</summary>
public sealed record MountEntry(string MountPoint, string FsType, string Source, int Major, int Minor);

/// <summary>A block device as sysfs describes it: its /dev path and, for a partition, its disk and number.</summary>
public sealed record BlockDevice(string DevPath, string Name, string? DiskDevPath, int? PartitionNumber, long SizeBytes);

/// <summary>
/// Finds the device behind a mount point through the kernel (mountinfo's major:minor, then /sys/dev/block), never through
/// the mount source string: "/dev/root" and by-label links name nothing reliable, the device number always does.
/// </summary>
public static class MountedDevices
{
    /// <summary>The mount whose mount point is exactly <paramref name="hostPath"/> (the last one, as an overmount hides earlier ones), or null.</summary>
    public static MountEntry? MountAt(string hostPath)
    {
        var want = Normalize(hostPath);
        MountEntry? found = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var entry = Parse(line);
            if (entry is not null && entry.MountPoint == want)
            {
                found = entry;
            }
        }

        return found;
    }

    /// <summary>The block device with number <paramref name="major"/>:<paramref name="minor"/>, or null when the kernel has none (overlay, tmpfs, nfs).</summary>
    public static BlockDevice? Device(int major, int minor)
    {
        var sys = $"/sys/dev/block/{major}:{minor}";
        if (!Directory.Exists(sys))
        {
            return null;
        }

        var name = UeventName(sys) ?? Path.GetFileName(new DirectoryInfo(sys).ResolveLinkTarget(true)?.FullName ?? sys);
        var size = long.Parse(File.ReadAllText(Path.Combine(sys, "size")).Trim(), CultureInfo.InvariantCulture) * 512;
        var partition = Path.Combine(sys, "partition");
        if (!File.Exists(partition))
        {
            return new BlockDevice("/dev/" + name, name, null, null, size);
        }

        // A partition's sysfs directory sits inside its disk's.
        var real = new DirectoryInfo(sys).ResolveLinkTarget(true)?.FullName ?? throw new IOException($"{sys}: not a link into /sys/devices");
        var disk = Path.GetDirectoryName(real)!;
        var diskName = UeventName(disk) ?? Path.GetFileName(disk);
        return new BlockDevice("/dev/" + name, name, "/dev/" + diskName, int.Parse(File.ReadAllText(partition).Trim(), CultureInfo.InvariantCulture), size);
    }

    /// <summary>The current size in bytes of the block device named <paramref name="name"/> (e.g. "vda3").</summary>
    public static long SizeOf(string name) =>
        long.Parse(File.ReadAllText($"/sys/class/block/{name}/size").Trim(), CultureInfo.InvariantCulture) * 512;

    private static string? UeventName(string sysDir)
    {
        var uevent = Path.Combine(sysDir, "uevent");
        return File.Exists(uevent)
            ? File.ReadLines(uevent).FirstOrDefault(l => l.StartsWith("DEVNAME=", StringComparison.Ordinal))?["DEVNAME=".Length..]
            : null;
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private static MountEntry? Parse(string line)
    {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
        var fields = line.Split(' ');
        var dash = Array.IndexOf(fields, "-");
        if (fields.Length < 5 || dash < 0 || dash + 2 >= fields.Length)
        {
            return null;
        }

        var numbers = fields[2].Split(':');
        return new MountEntry(Unescape(fields[4]), fields[dash + 1], Unescape(fields[dash + 2]),
            int.Parse(numbers[0], CultureInfo.InvariantCulture), int.Parse(numbers[1], CultureInfo.InvariantCulture));
    }

    // mountinfo writes space, tab, newline and backslash as \ooo octal escapes.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && field.Substring(i + 1, 3).All(c => c is >= '0' and <= '7'))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }
}
