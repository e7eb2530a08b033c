using System.Globalization;

namespace Keel.Install.Devices;

/// <summary>A block device as the kernel describes it in sysfs: name, major:minor, size, partitions and holders.</summary>
public sealed record BlockDeviceInfo(string Path, string Name, string DevNumber, long SizeBytes, IReadOnlyList<string> PartitionDevNumbers, IReadOnlyList<string> Holders, bool ReadOnly)
{
    /// <summary>
    /// Reads <paramref name="device"/> (a /dev path or symlink to one) from <paramref name="sysRoot"/>/class/block; throws
    /// IOException naming the device when it is not a whole block device.
    /// </summary>
    public static BlockDeviceInfo Read(string device, string sysRoot = "/sys")
    {
        if (!System.IO.Path.Exists(device))
        {
            throw new IOException($"{device}: no such device");
        }

        // .NET does not expose the file type, so stat(1) tells a block device from a file, and its major:minor finds the
        // device in sysfs whatever name or symlink (/dev/disk/by-id/...) it was given by.
        var stat = Processes.StepTool.RunAsync("storage.check", "stat", ["-L", "-c", "%F:%t:%T", device], CancellationToken.None, debianPackage: "coreutils")
            .GetAwaiter().GetResult().Output.Trim().Split(':');
        if (stat[0] != "block special file")
        {
            throw new IOException(stat[0] == "regular file"
                ? $"{device}: is a regular file, not a block device (build images with 'keel build -o FILE')"
                : $"{device}: is a {stat[0]}, not a block device");
        }

        var devNumber = $"{Convert.ToInt32(stat[1], 16)}:{Convert.ToInt32(stat[2], 16)}";
        var byNumber = System.IO.Path.Combine(sysRoot, "dev", "block", devNumber);
        var name = new DirectoryInfo(byNumber).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.Name
            : throw new IOException($"{device}: block device {devNumber} is not in {sysRoot}/dev/block");
        var sys = System.IO.Path.Combine(sysRoot, "class", "block", name);
        if (!Directory.Exists(sys))
        {
            throw new IOException($"{device}: not a block device (no {sys})");
        }

        if (File.Exists(System.IO.Path.Combine(sys, "partition")))
        {
            throw new IOException($"{device}: is a partition; give the whole disk (keel writes its own partition table)");
        }

        var partitions = Directory.EnumerateDirectories(sys)
            .Where(d => File.Exists(System.IO.Path.Combine(d, "partition")))
            .Select(d => File.ReadAllText(System.IO.Path.Combine(d, "dev")).Trim())
            .ToList();
        var holdersDir = System.IO.Path.Combine(sys, "holders");
        var holders = Directory.Exists(holdersDir) ? Directory.EnumerateFileSystemEntries(holdersDir).Select(System.IO.Path.GetFileName).OfType<string>().ToList() : [];
        // Partitions can be held too (a partition in a RAID or LVM).
        foreach (var part in Directory.EnumerateDirectories(sys).Where(d => Directory.Exists(System.IO.Path.Combine(d, "holders"))))
        {
            holders.AddRange(Directory.EnumerateFileSystemEntries(System.IO.Path.Combine(part, "holders")).Select(h => $"{System.IO.Path.GetFileName(part)} by {System.IO.Path.GetFileName(h)}"));
        }

        var sectors = long.Parse(File.ReadAllText(System.IO.Path.Combine(sys, "size")).Trim(), CultureInfo.InvariantCulture);
        var ro = File.Exists(System.IO.Path.Combine(sys, "ro")) && File.ReadAllText(System.IO.Path.Combine(sys, "ro")).Trim() == "1";
        return new BlockDeviceInfo(device, name, File.ReadAllText(System.IO.Path.Combine(sys, "dev")).Trim(), sectors * 512, partitions, holders, ro);
    }

    /// <summary>This device's and its partitions' major:minor numbers.</summary>
    public IEnumerable<string> AllDevNumbers => PartitionDevNumbers.Prepend(DevNumber);
}
