using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Provisioning.Tests;

/// <summary>
/// growpart + resizefs on a real loop device: a sparse image with a GPT partition holding the root filesystem, mounted as
/// the root being provisioned; the image is enlarged (as a qcow2 grown before boot) and the agent must make the partition
/// and the filesystem fill it.
/// </summary>
public sealed class GrowpartResizefsTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Xfs_default_config_grows_the_partition_and_the_filesystem_to_the_enlarged_disk() =>
        GrowsToTheEnlargedDisk("xfs", 640, 1280);

    [Fact]
    public void Ext4_default_config_grows_the_partition_and_runs_resize2fs_online()
    {
        if (HasCapability(SysResource))
        {
            GrowsToTheEnlargedDisk("ext4", 64, 128);
            return;
        }

        // An online ext4 resize needs CAP_SYS_RESOURCE, which a container (this build machine) may lack: then the
        // partition must still be grown and the refusal must be an error naming resize2fs and the device, never silence.
        using var disk = new LoopDisk("ext4", 64);
        var before = disk.FilesystemBytes();
        disk.Enlarge(128);
        disk.Seed("#cloud-config\nhostname: grown\n");
        var status = disk.Run("boot-1");
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "growpart").Result);
        Assert.InRange(disk.PartitionBytes(), 126 * MiB, 128 * MiB);
        var resizefs = status.Modules.Single(m => m.Name == "resizefs");
        Assert.Equal("failed", resizefs.Result);
        Assert.Equal($"resize2fs {disk.Device}p1: exited with status 1: /usr/sbin/resize2fs: Permission denied to resize filesystem", resizefs.Error);
        Assert.Equal("error", status.Status);
        Assert.Equal(before, disk.FilesystemBytes());
    }

    // CAP_SYS_RESOURCE's bit in /proc/self/status's CapEff.
    private const int SysResource = 24;

    private static bool HasCapability(int bit)
    {
        var effective = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal))["CapEff:".Length..].Trim();
        return ((ulong.Parse(effective, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) >> bit) & 1) == 1;
    }

    private static void GrowsToTheEnlargedDisk(string fs, int startMiB, int grownMiB)
    {
        using var disk = new LoopDisk(fs, startMiB);
        var before = disk.FilesystemBytes();
        // What the filesystem keeps for itself (journal, log, metadata) before growing; growing may at most double it.
        var overhead = disk.PartitionBytes() - before;
        Assert.InRange(before, startMiB / 4 * MiB, startMiB / 2 * MiB);
        disk.Enlarge(grownMiB);

        // No growpart or resize_rootfs key: cloud-init's defaults (mode auto, devices ["/"], resize_rootfs true) apply.
        disk.Seed("#cloud-config\nhostname: grown\n");
        var status = disk.Run("boot-1");
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "growpart").Result);
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "resizefs").Result);

        // The partition ends at the disk's last usable sector (GPT keeps 33 sectors for its backup), as sfdisk reads it back.
        var partitionBytes = disk.PartitionBytes();
        Assert.InRange(partitionBytes, (grownMiB - 2) * MiB, grownMiB * MiB);
        Assert.Matches($@"p1 : start=\s*2048, size=\s*{(grownMiB * MiB / 512) - 2048 - 33},", Tool.Run("sfdisk", "--dump", disk.Device));
        Assert.InRange(disk.FilesystemBytes(), partitionBytes - (2 * overhead) - (4 * MiB), partitionBytes);

        // Every boot: nothing left to grow is not an error, and the filesystem tool finds nothing to do either.
        var again = disk.Run("boot-2");
        Assert.Equal("done", again.Status);
        Assert.Equal("nothing-to-do", again.Modules.Single(m => m.Name == "growpart").Result);
        Assert.Equal("ran", again.Modules.Single(m => m.Name == "resizefs").Result);
        Assert.Equal(partitionBytes, disk.PartitionBytes());
    }

    [Fact]
    public void Off_leaves_partition_and_filesystem_alone()
    {
        using var disk = new LoopDisk("ext4", 64);
        var fsBefore = disk.FilesystemBytes();
        var partBefore = disk.PartitionBytes();
        disk.Enlarge(128);
        disk.Seed("#cloud-config\ngrowpart: {mode: 'off'}\nresize_rootfs: false\n");
        var status = disk.Run("boot-1");
        Assert.Equal("done", status.Status);
        Assert.Equal("nothing-to-do", status.Modules.Single(m => m.Name == "growpart").Result);
        Assert.Equal("nothing-to-do", status.Modules.Single(m => m.Name == "resizefs").Result);
        Assert.Equal(partBefore, disk.PartitionBytes());
        Assert.Equal(fsBefore, disk.FilesystemBytes());
    }

    [Fact]
    public void Explicit_device_and_growroot_disabled()
    {
        using var disk = new LoopDisk("ext4", 64);
        var partBefore = disk.PartitionBytes();
        disk.Enlarge(128);
        File.WriteAllText(disk.RootPath + "/etc/growroot-disabled", "");
        disk.Seed("#cloud-config\nresize_rootfs: false\n");
        Assert.Equal("nothing-to-do", disk.Run("boot-1").Modules.Single(m => m.Name == "growpart").Result);
        Assert.Equal(partBefore, disk.PartitionBytes());

        // The partition named by its /dev path; ignore_growroot_disabled overrides the marker file.
        disk.Seed($"#cloud-config\ngrowpart:\n  devices: [{disk.Device}p1]\n  ignore_growroot_disabled: true\nresize_rootfs: false\n", "iid-2");
        var status = disk.Run("boot-2");
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "growpart").Result);
        Assert.InRange(disk.PartitionBytes(), 126 * MiB, 128 * MiB);
    }

    [Fact]
    public void A_root_that_is_not_a_mount_point_has_nothing_to_grow()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\ngrowpart: {mode: growpart}\n");
        var status = t.Run();
        Assert.Equal("nothing-to-do", status.Modules.Single(m => m.Name == "growpart").Result);
        Assert.Equal("nothing-to-do", status.Modules.Single(m => m.Name == "resizefs").Result);
    }

    /// <summary>A sparse image with one GPT partition, attached to a loop device, formatted and mounted as a target root.</summary>
    private sealed class LoopDisk : IDisposable
    {
        private readonly string _base;
        private readonly string _image;
        private readonly string _seed;
        private readonly bool _madeNode;
        private bool _mounted;

        public LoopDisk(string fs, int sizeMiB)
        {
            _base = Directory.CreateTempSubdirectory("keel-grow-").FullName;
            _image = Path.Combine(_base, "disk.img");
            _seed = Path.Combine(_base, "seed");
            RootPath = Path.Combine(_base, "root");
            Directory.CreateDirectory(RootPath);
            Directory.CreateDirectory(_seed);
            Tool.Run("truncate", "-s", $"{sizeMiB}M", _image);
            Tool.Run("sh", "-c", $"printf 'label: gpt\\n,{sizeMiB / 2}M\\n' | sfdisk -q '{_image}'");
            Device = Tool.Run("losetup", "--find", "--show", "--partscan", _image).Trim();
            try
            {
                Tool.Run("partx", "--update", Device);
                // Without udev (a container) nobody makes the partition's node; make it from the kernel's numbers.
                var partition = Device + "p1";
                if (!File.Exists(partition))
                {
                    var numbers = File.ReadAllText($"/sys/class/block/{Path.GetFileName(partition)}/dev").Trim().Split(':');
                    Tool.Run("mknod", partition, "b", numbers[0], numbers[1]);
                    _madeNode = true;
                }

                Tool.Run(fs == "xfs" ? "mkfs.xfs" : "mkfs.ext4", "-q", partition);
                Tool.Run("mount", partition, RootPath);
                _mounted = true;
                Directory.CreateDirectory(RootPath + "/etc");
                File.WriteAllText(RootPath + "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
                File.WriteAllText(RootPath + "/etc/group", "root:x:0:\nwheel:x:10:\n");
                File.WriteAllText(RootPath + "/etc/shadow", "root:*:19000:0:99999:7:::\n");
                File.WriteAllText(RootPath + "/etc/gshadow", "root:*::\nwheel:::\n");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public string Device { get; }

        public string RootPath { get; }

        public void Enlarge(int sizeMiB)
        {
            Tool.Run("truncate", "-s", $"{sizeMiB}M", _image);
            Tool.Run("losetup", "--set-capacity", Device);
        }

        public void Seed(string userData, string instanceId = "iid-1")
        {
            File.WriteAllText(Path.Combine(_seed, "meta-data"), $"instance-id: {instanceId}\n");
            File.WriteAllText(Path.Combine(_seed, "user-data"), userData);
        }

        public AgentStatus Run(string bootId) =>
            new Provisioner(new TargetRoot(RootPath), new ProvisioningOptions { BootId = bootId }, TextWriter.Null).RunNoCloud(_seed);

        public long PartitionBytes() => long.Parse(File.ReadAllText($"/sys/class/block/{Path.GetFileName(Device)}p1/size").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;

        /// <summary>The mounted filesystem's size as statvfs (df) sees it.</summary>
        public long FilesystemBytes() => long.Parse(Tool.Run("df", "--block-size=1", "--output=size", RootPath).Split('\n')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);

        public void Dispose()
        {
            if (_mounted)
            {
                Tool.TryRun("umount", RootPath);
            }

            Tool.TryRun("losetup", "--detach", Device);
            if (_madeNode)
            {
                File.Delete(Device + "p1");
            }

            Directory.Delete(_base, recursive: true);
        }
    }
}
