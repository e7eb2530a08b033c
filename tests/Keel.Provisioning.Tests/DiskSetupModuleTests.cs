using System.Text.Json;
using Keel.Provisioning.Modules;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// disk_setup and fs_setup on real loop devices (root needed): the partition table sfdisk reads back, compared with the
/// one cloud-init 22.4.2's own cc_disk_setup writes on an identical loop device (its code from the chroot, run with the
/// host's tools), the filesystems blkid finds, and overwrite: false leaving an existing filesystem alone.
/// </summary>
public sealed class DiskSetupModuleTests : IClassFixture<CloudInitChroot>
{
    // cloud-init refuses a device whose lsblk TYPE is not "disk"; a loop device is one, so only that answer is changed.
    private const string Harness = """
        import sys, logging
        from unittest import mock
        from cloudinit.config import cc_disk_setup
        from cloudinit import util
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        cfg = util.load_yaml(sys.argv[1])
        cloud = mock.Mock()
        cloud.device_name_to_device.return_value = None
        real = cc_disk_setup.device_type
        with mock.patch.object(cc_disk_setup, "device_type", lambda d: "disk" if real(d) == "loop" else real(d)):
            cc_disk_setup.handle("disk_setup", cfg, cloud, logging.getLogger(), [])
        """;

    private const string LinuxFs = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    private const string LinuxSwap = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F";

    private readonly CloudInitChroot _chroot;

    public DiskSetupModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    [Theory]
    [InlineData("gpt", "[[33, 82], 67]")]
    [InlineData("gpt", "true")]
    [InlineData("mbr", "[25, [25, 82], 50]")]
    [InlineData("mbr", "[[100, 83]]")]
    public void Partition_table_is_the_one_cloud_init_writes(string table, string layout)
    {
        using var keel = new LoopImage(96);
        using var cloudInit = new LoopImage(96);
        const string Config = "device_aliases: {{data: {0}}}\ndisk_setup:\n  data: {{table_type: {1}, layout: {2}, overwrite: false}}\n";

        var (exit, output) = RunCloudInit(string.Format(System.Globalization.CultureInfo.InvariantCulture, Config, cloudInit.Device, table, layout));
        Assert.True(exit == 0 && !output.Contains("Failed", StringComparison.Ordinal), $"cloud-init's cc_disk_setup: exit {exit}: {output}");

        keel.Seed("#cloud-config\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, Config, keel.Device, table, layout));
        var status = keel.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "disk_setup").Result == "ran", string.Join("; ", status.Errors.Select(e => e.Message)));

        var expected = Partitions(cloudInit.Device);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Partitions(keel.Device));
        Assert.Equal(table == "gpt" ? "gpt" : "dos", Table(keel.Device).GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("{device: DEV, partition: none, filesystem: ext4, label: data}")]
    [InlineData("{device: DEV, partition: auto, filesystem: xfs, label: logs}")]
    [InlineData("{device: DEV, filesystem: swap, label: sw}")]
    [InlineData("{device: DEV, partition: none, filesystem: ext4, extra_opts: [-m, '0', -O, ^has_journal]}")]
    public void Filesystem_is_the_one_cloud_init_makes(string entry)
    {
        using var keel = new LoopImage(320);
        using var cloudInit = new LoopImage(320);
        var (exit, output) = RunCloudInit("fs_setup:\n  - " + entry.Replace("DEV", cloudInit.Device, StringComparison.Ordinal) + "\n");
        Assert.True(exit == 0 && !output.Contains("Failed", StringComparison.Ordinal), $"cloud-init's cc_disk_setup: exit {exit}: {output}");

        keel.Seed("#cloud-config\nfs_setup:\n  - " + entry.Replace("DEV", keel.Device, StringComparison.Ordinal) + "\n");
        var status = keel.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "disk_setup").Result == "ran", string.Join("; ", status.Errors.Select(e => e.Message)));

        var expected = Blkid(cloudInit.Device);
        Assert.NotNull(expected.Type);
        Assert.Equal(expected, Blkid(keel.Device));
        if (entry.Contains("has_journal", StringComparison.Ordinal))
        {
            Assert.DoesNotContain("has_journal", Tool.Run("dumpe2fs", "-h", keel.Device), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Gpt_partitions_get_their_sizes_types_and_filesystems_with_labels()
    {
        using var disk = new LoopImage(128);
        var sectors = 128L * 1024 * 1024 / 512;
        var seed = $"#cloud-config\ndevice_aliases: {{data: {disk.Device}}}\ndisk_setup:\n  data: {{table_type: gpt, layout: [[33, 82], 67]}}\n";
        disk.Seed(seed);
        Assert.Equal("ran", disk.Run(execute: true).Modules.Single(m => m.Name == "disk_setup").Result);

        var parts = Partitions(disk.Device);
        Assert.Equal((2048L, 86507L, LinuxSwap), (parts[0].Start, parts[0].Size, parts[0].Type));
        Assert.Equal(LinuxFs, parts[1].Type);
        Assert.Equal(sectors - 34, parts[1].Start + parts[1].Size - 1);
        Assert.Equal(0, parts[1].Start % 2048);

        // Without udev (a container) the partition nodes appear only when made; a real boot has them from udev.
        disk.MakePartitionNodes();
        disk.Seed(seed + "fs_setup:\n  - {label: data, filesystem: ext4, device: data.2}\n  - {label: swp, filesystem: swap, device: data, partition: 1}\n", "iid-2");
        var status = disk.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "disk_setup").Result == "ran", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Message)));
        Assert.Equal(("data", "ext4"), Blkid(disk.Device + "p2"));
        Assert.Equal(("swp", "swap"), Blkid(disk.Device + "p1"));

        // The same config again: the layout matches and both filesystems are there, so nothing is done.
        var uuid = Tool.Run("blkid", "-s", "UUID", "-o", "value", disk.Device + "p2").Trim();
        disk.Seed(seed + "fs_setup:\n  - {label: data, filesystem: ext4, device: data.2}\n", "iid-3");
        Assert.Equal("nothing-to-do", disk.Run(execute: true).Modules.Single(m => m.Name == "disk_setup").Result);
        Assert.Equal(uuid, Tool.Run("blkid", "-s", "UUID", "-o", "value", disk.Device + "p2").Trim());
    }

    [Fact]
    public void Overwrite_false_never_destroys_an_existing_filesystem()
    {
        using var disk = new LoopImage(64);
        Tool.Run("mkfs.ext4", "-q", "-L", "keep", disk.Device);
        var uuid = Tool.Run("blkid", "-s", "UUID", "-o", "value", disk.Device).Trim();
        disk.Seed($"#cloud-config\ndisk_setup:\n  {disk.Device}: {{table_type: gpt, layout: true}}\n" +
            $"fs_setup:\n  - {{device: {disk.Device}, partition: none, filesystem: xfs, label: new}}\n  - {{device: {disk.Device}, partition: any, filesystem: xfs}}\n" +
            $"  - {{device: {disk.Device}, partition: auto, filesystem: ext4, label: other}}\n");
        var status = disk.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "disk_setup").Result == "nothing-to-do", string.Join("; ", status.Errors.Select(e => e.Message)));
        Assert.Contains(status.Warnings, w => w.Source.Contains("fs_setup.0", StringComparison.Ordinal) && w.Message.Contains("ext4 filesystem labelled keep", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.Source.Contains("fs_setup.1", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.Source.Contains("fs_setup.2", StringComparison.Ordinal));

        // Untouched: no partition table, the same filesystem.
        Assert.Equal(("keep", "ext4"), Blkid(disk.Device));
        Assert.Equal(uuid, Tool.Run("blkid", "-s", "UUID", "-o", "value", disk.Device).Trim());
        Assert.NotEqual(0, Tool.TryRun("sfdisk", "--json", disk.Device).Exit);

        // overwrite: true is what it takes.
        disk.Seed($"#cloud-config\ndisk_setup:\n  {disk.Device}: {{table_type: mbr, layout: true, overwrite: true}}\n", "iid-2");
        Assert.Equal("ran", disk.Run(execute: true).Modules.Single(m => m.Name == "disk_setup").Result);
        Assert.Single(Partitions(disk.Device));
    }

    [Fact]
    public void An_existing_partition_table_is_kept_and_a_partition_with_a_filesystem_is_not_reformatted()
    {
        using var disk = new LoopImage(64);
        Tool.Run("sh", "-c", $"printf 'label: gpt\\n,16M\\n,16M\\n' | sfdisk -q '{disk.Device}'");
        Tool.Run("partx", "--update", disk.Device);
        disk.MakePartitionNodes();
        Tool.Run("mkfs.ext4", "-q", "-L", "old", disk.Device + "p1");
        var before = Partitions(disk.Device);

        disk.Seed($"#cloud-config\ndisk_setup:\n  {disk.Device}: {{table_type: gpt, layout: [100]}}\n" +
            $"fs_setup:\n  - {{device: {disk.Device}.1, filesystem: xfs, label: new}}\n  - {{device: {disk.Device}, partition: auto, filesystem: ext4, label: fresh}}\n");
        var status = disk.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "disk_setup").Result == "ran", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Message)));
        Assert.Equal(before, Partitions(disk.Device));
        Assert.Equal(("old", "ext4"), Blkid(disk.Device + "p1"));
        Assert.Contains(status.Warnings, w => w.Source.EndsWith("fs_setup.0", StringComparison.Ordinal) && w.Message.Contains("not formatted as xfs", StringComparison.Ordinal));

        // partition: auto takes the first partition without a filesystem.
        Assert.Equal(("fresh", "ext4"), Blkid(disk.Device + "p2"));
    }

    [Fact]
    public void Replace_fs_reformats_the_named_filesystem_and_remove_wipes_the_table()
    {
        using var disk = new LoopImage(64);
        Tool.Run("sh", "-c", $"printf 'label: gpt\\n,16M\\n,16M\\n' | sfdisk -q '{disk.Device}'");
        Tool.Run("partx", "--update", disk.Device);
        disk.MakePartitionNodes();
        Tool.Run("mkfs.vfat", "-n", "ONE", disk.Device + "p1");
        Tool.Run("mkfs.ext4", "-q", "-L", "two", disk.Device + "p2");

        // replace_fs with partition any (cloud-init's order: the first partition that has either wins): the vfat
        // partition becomes ext4; the ext4 one is left as it is.
        disk.Seed($"#cloud-config\nfs_setup:\n  - {{device: {disk.Device}, partition: any, filesystem: ext4, label: three, replace_fs: vfat}}\n");
        Assert.Equal("ran", disk.Run(execute: true).Modules.Single(m => m.Name == "disk_setup").Result);
        Assert.Equal(("three", "ext4"), Blkid(disk.Device + "p1"));
        Assert.Equal(("two", "ext4"), Blkid(disk.Device + "p2"));

        disk.Seed($"#cloud-config\ndisk_setup:\n  {disk.Device}: {{layout: remove}}\n", "iid-2");
        Assert.Equal("ran", disk.Run(execute: true).Modules.Single(m => m.Name == "disk_setup").Result);
        Assert.NotEqual(0, Tool.TryRun("sfdisk", "--json", disk.Device).Exit);
        Assert.Empty(Directory.EnumerateDirectories($"/sys/block/{Path.GetFileName(disk.Device)}", Path.GetFileName(disk.Device) + "p*"));
    }

    [Fact]
    public void A_target_root_without_execute_is_deferred_and_cmd_is_reported()
    {
        using var disk = new LoopImage(32);
        disk.Seed($"#cloud-config\ndisk_setup:\n  {disk.Device}: {{table_type: gpt, layout: true}}\n");
        Assert.Equal("deferred", disk.Run(execute: false).Modules.Single(m => m.Name == "disk_setup").Result);
        Assert.NotEqual(0, Tool.TryRun("sfdisk", "--json", disk.Device).Exit);

        disk.Seed($"#cloud-config\nfs_setup:\n  - {{device: {disk.Device}, partition: none, filesystem: ext4, cmd: 'mkfs -t %(filesystem)s %(device)s'}}\n", "iid-2");
        var status = disk.Run(execute: true);
        Assert.Equal("degraded", status.Status);
        Assert.Contains(status.Warnings, w => w.Source.Contains("fs_setup.0.cmd", StringComparison.Ordinal));
        Assert.Equal((null, null), Blkid(disk.Device));
    }

    [Fact]
    public void Layout_arithmetic_is_cloud_init_s()
    {
        Assert.Equal([("82", "+86507"), (null, "0")], DiskSetupModule.GptLayout(262144, [(33, "82"), (67, null)]));
        Assert.Equal(",65536,83\n,,82", DiskSetupModule.MbrLayout(262144, [(25, null), (75, "82")]));
        Assert.True(DiskSetupModule.LayoutMatches([(50, null), (50, "82")], ["83", "82"]));
        Assert.False(DiskSetupModule.LayoutMatches([(50, null), (50, "82")], ["83", "83"]));
        Assert.True(DiskSetupModule.LayoutMatches(null, ["83"]));
    }

    private (int Exit, string Output) RunCloudInit(string config)
    {
        // cloud-init's own module code (from the chroot) with the host's tools and devices; no bytecode is written there.
        var packages = Path.Combine(_chroot.Path, "usr/lib/python3/dist-packages");
        return Tool.TryRun("env", "PYTHONDONTWRITEBYTECODE=1", "PYTHONPATH=" + packages, "python3", "-c", Harness, config);
    }

    private static JsonElement Table(string device) =>
        JsonDocument.Parse(Tool.Run("sfdisk", "--json", device)).RootElement.GetProperty("partitiontable").Clone();

    /// <summary>Start, size and type of each partition (not the random ids).</summary>
    private static List<(long Start, long Size, string Type)> Partitions(string device) =>
        Table(device).GetProperty("partitions").EnumerateArray()
            .Select(p => (p.GetProperty("start").GetInt64(), p.GetProperty("size").GetInt64(), p.GetProperty("type").GetString()!)).ToList();

    private static (string? Label, string? Type) Blkid(string device)
    {
        var (_, output) = Tool.TryRun("blkid", "-p", "-o", "export", device);
        var values = output.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        return (values.GetValueOrDefault("LABEL"), values.GetValueOrDefault("TYPE"));
    }

    /// <summary>A sparse image on a loop device (with partition scanning) and a target root beside it; all undone on dispose.</summary>
    private sealed class LoopImage : IDisposable
    {
        private readonly string _base;
        private readonly List<string> _nodes = [];
        private readonly TestRoot _root = new();

        public LoopImage(int sizeMiB)
        {
            _base = Directory.CreateTempSubdirectory("keel-disk-").FullName;
            var image = Path.Combine(_base, "disk.img");
            Tool.Run("truncate", "-s", $"{sizeMiB}M", image);
            Device = Tool.Run("losetup", "--find", "--show", "--partscan", image).Trim();
        }

        public string Device { get; }

        public void Seed(string userData, string instanceId = "iid-1") => _root.Seed(userData, instanceId);

        public Keel.Provisioning.Engine.AgentStatus Run(bool execute) => _root.Run(execute);

        public void MakePartitionNodes()
        {
            var name = Path.GetFileName(Device);
            foreach (var sys in Directory.EnumerateDirectories($"/sys/block/{name}", name + "p*"))
            {
                var node = "/dev/" + Path.GetFileName(sys);
                if (!File.Exists(node))
                {
                    var numbers = File.ReadAllText(Path.Combine(sys, "dev")).Trim().Split(':');
                    Tool.Run("mknod", node, "b", numbers[0], numbers[1]);
                    _nodes.Add(node);
                }
            }
        }

        public void Dispose()
        {
            Tool.TryRun("losetup", "--detach", Device);
            _nodes.ForEach(File.Delete);
            _root.Dispose();
            Directory.Delete(_base, recursive: true);
        }
    }
}
