using Keel.Provisioning.Modules;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// mounts: the fstab keel-agent writes compared with the one cloud-init 22.4.2's own cc_mounts writes (in the chroot, its
/// commands stubbed so nothing is mounted or swapped on), and the real effects in a root: fstab lines, mount points, a
/// swap file of the right size and mode that blkid recognises as swap, and a loop device's partition found by its disk.
/// </summary>
public sealed class MountsModuleTests : IClassFixture<CloudInitChroot>
{
    private const string ExistingFstab = "/dev/vda1 / ext4 defaults 0 1\nUUID=1234 /boot xfs defaults 0 0\nold /x auto defaults,comment=cloudconfig 0 2\n";

    // cloud-init's handle() with a systemd distro and a datasource that maps no metadata names (NoCloud); subp, ensure_dir
    // and get_mount_info are stubbed: nothing is created, mounted or activated, only the fstab is written.
    private const string Harness = """
        import sys
        import logging
        from unittest import mock
        from cloudinit.config import cc_mounts
        from cloudinit import subp, util
        cfg = util.load_yaml(sys.argv[1])
        cc_mounts.FSTAB_PATH = sys.argv[2]
        cloud = mock.Mock()
        cloud.distro.uses_systemd.return_value = True
        cloud.device_name_to_device.return_value = None
        with mock.patch.object(subp, "subp", side_effect=lambda cmd, **kw: subp.SubpResult("", "")), \
             mock.patch("cloudinit.util.ensure_dir", lambda d, *a, **k: None), \
             mock.patch("cloudinit.util.get_mount_info", lambda d, *a, **k: ("/dev/x", "ext4", "/")):
            cc_mounts.handle("mounts", cfg, cloud, logging.getLogger(), [])
        """;

    private readonly CloudInitChroot _chroot;

    public MountsModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    public static TheoryData<string> Configs =>
    [
        // Defaults filled in, a network source, names that resolve to nothing here kept as written, a null mount point
        // dropping the device's earlier entries, quoted freq/passno.
        "mounts:\n - [ vdz, /data ]\n - [ LABEL=data, /srv, null, null, \"0\", \"0\" ]\n - [ \"srv:/export\", /nfs, nfs ]\n - [ xvdy, /old ]\n - [ xvdy, null ]\n - [ /dev/null, /opt/x, ext4, \"defaults,ro\" ]\n",
        // mount_default_fields replaces the defaults; a device already in fstab is still added (22.4.2 does so).
        "mount_default_fields: [ null, null, xfs, \"defaults,nofail\", \"0\", \"0\" ]\nmounts:\n - [ /dev/vda1, /other ]\n - [ sdq.2, /part ]\n",
        // Only a swap file: cloud-init's stubbed commands make no file, but the line is the same.
        "swap:\n  filename: /var/swapfile\n  size: 8M\nmounts:\n - [ \"nas:/home\", /home2, nfs4, \"rw,hard\" ]\n",
    ];

    [Theory]
    [MemberData(nameof(Configs))]
    public void Fstab_is_what_cloud_init_writes(string config)
    {
        var chrootFstab = $"/tmp/keel-fstab-{Guid.NewGuid():N}";
        string expected;
        try
        {
            File.WriteAllText(_chroot.Path + chrootFstab, ExistingFstab);
            Tool.Run("chroot", _chroot.Path, "python3", "-c", Harness, config, chrootFstab);
            expected = File.ReadAllText(_chroot.Path + chrootFstab);
        }
        finally
        {
            File.Delete(_chroot.Path + chrootFstab);
        }

        using var t = new TestRoot();
        File.WriteAllText(t.Host("/etc/fstab"), ExistingFstab);
        t.Seed("#cloud-config\n" + config);
        var status = t.Run();
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "mounts").Result);

        // The one documented difference: the init stage's unit is keel-agent.service, not cloud-init.service.
        Assert.Equal(expected.Replace("x-systemd.requires=cloud-init.service", "x-systemd.requires=keel-agent.service", StringComparison.Ordinal), t["/etc/fstab"]);
        Assert.DoesNotContain("old /x", t["/etc/fstab"], StringComparison.Ordinal);
        Assert.Contains("/dev/vda1 / ext4 defaults 0 1\n", t["/etc/fstab"], StringComparison.Ordinal);
        Assert.Equal("0:0 644", t.Stat("/etc/fstab"));
    }

    [Fact]
    public void Mount_points_are_made_and_a_rerun_keeps_one_set_of_lines()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nmounts:\n - [ \"srv:/export\", /srv/nfs, nfs ]\n - [ tmpfs, /var/scratch, tmpfs, \"size=64m\" ]\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "mounts").Result);
        Assert.True(Directory.Exists(t.Host("/srv/nfs")));
        Assert.True(Directory.Exists(t.Host("/var/scratch")));
        var first = t["/etc/fstab"];
        Assert.Equal(
            "srv:/export\t/srv/nfs\tnfs\tdefaults,nofail,x-systemd.requires=keel-agent.service,_netdev,comment=cloudconfig\t0\t2\n" +
            "tmpfs\t/var/scratch\ttmpfs\tsize=64m,comment=cloudconfig\t0\t2\n", first);

        // A new instance runs it again: the tagged lines are replaced, not doubled.
        t.Seed("#cloud-config\nmounts:\n - [ \"srv:/export\", /srv/nfs, nfs ]\n - [ tmpfs, /var/scratch, tmpfs, \"size=64m\" ]\n", instanceId: "iid-2");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "mounts").Result);
        Assert.Equal(first, t["/etc/fstab"]);
    }

    [Fact]
    public void Swap_file_has_its_size_and_mode_is_swap_and_is_in_fstab()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nswap:\n  filename: /var/lib/swapfile\n  size: 16M\n");
        var status = t.Run();
        Assert.True(status.Modules.Single(m => m.Name == "mounts").Result == "ran", string.Join("; ", status.Errors.Select(e => e.Message)));

        Assert.Equal("0:0 600 16777216", t.Stat("/var/lib/swapfile", "%u:%g %a %s"));
        Assert.Contains("TYPE=\"swap\"", Tool.Run("blkid", "-p", t.Host("/var/lib/swapfile")), StringComparison.Ordinal);

        // Blocks really allocated (a swap file with holes is refused by swapon).
        Assert.True(long.Parse(t.Stat("/var/lib/swapfile", "%b"), System.Globalization.CultureInfo.InvariantCulture) * 512 >= 16L << 20);
        Assert.Equal("/var/lib/swapfile\tnone\tswap\tsw,comment=cloudconfig\t0\t0\n", t["/etc/fstab"]);
    }

    [Fact]
    public void Auto_swap_size_is_bounded_by_maxsize_and_an_existing_file_in_a_target_root_is_kept()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nswap:\n  filename: /swap.img\n  size: auto\n  maxsize: 6M\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "mounts").Result);
        Assert.Equal("600 6291456", t.Stat("/swap.img", "%a %s"));

        File.WriteAllText(t.Host("/swap.img"), "kept");
        t.Seed("#cloud-config\nswap: {filename: /swap.img, size: 4M}\n", instanceId: "iid-2");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "mounts").Result);
        Assert.Equal("kept", t["/swap.img"]);
        Assert.Equal("/swap.img\tnone\tswap\tsw,comment=cloudconfig\t0\t0\n", t["/etc/fstab"]);
    }

    [Fact]
    public void Nothing_configured_writes_no_fstab_and_bad_entries_are_reported()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nswap: {size: 0}\n");
        Assert.Equal("nothing-to-do", t.Run().Modules.Single(m => m.Name == "mounts").Result);
        Assert.False(File.Exists(t.Host("/etc/fstab")));

        using var warned = new TestRoot();
        warned.Seed("#cloud-config\nmounts:\n - /dev/sdb\n - [ ephemeral0, /mnt ]\n");
        var status = warned.Run();
        Assert.Equal("degraded", status.Status);
        Assert.Contains(status.Warnings, w => w.Source == "mounts: mounts.0" && w.Message.Contains("not a list", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.Source == "mounts: mounts.1" && w.Message.Contains("metadata device", StringComparison.Ordinal));
        Assert.StartsWith("ephemeral0\t/mnt\tauto\t", warned["/etc/fstab"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_disk_name_resolves_to_its_first_partition_and_a_dotted_name_to_that_partition()
    {
        var dir = Directory.CreateTempSubdirectory("keel-mounts-").FullName;
        var image = Path.Combine(dir, "disk.img");
        string? device = null;
        var madeNodes = new List<string>();
        try
        {
            Tool.Run("truncate", "-s", "32M", image);
            Tool.Run("sh", "-c", $"printf 'label: gpt\\n,8M\\n,8M\\n' | sfdisk -q '{image}'");
            device = Tool.Run("losetup", "--find", "--show", "--partscan", image).Trim();
            Tool.Run("partx", "--update", device);
            foreach (var n in new[] { 1, 2 })
            {
                // Without udev (a container) nobody makes the partition nodes; cloud-init's lookup needs them.
                var partition = $"{device}p{n}";
                if (!File.Exists(partition))
                {
                    var numbers = File.ReadAllText($"/sys/class/block/{Path.GetFileName(partition)}/dev").Trim().Split(':');
                    Tool.Run("mknod", partition, "b", numbers[0], numbers[1]);
                    madeNodes.Add(partition);
                }
            }

            using var t = new TestRoot();
            t.Seed($"#cloud-config\ndevice_aliases: {{data: {device}}}\nmounts:\n - [ {device}, /a ]\n - [ data.2, /b ]\n - [ {device}.7, /c ]\n");
            Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "mounts").Result);
            var lines = t["/etc/fstab"].Split('\n').Select(l => string.Join(' ', l.Split('\t').Take(2))).ToList();
            Assert.Equal([$"{device}p1 /a", $"{device}p2 /b", $"{device}.7 /c", ""], lines);
        }
        finally
        {
            if (device is not null)
            {
                Tool.TryRun("losetup", "--detach", device);
            }

            madeNodes.ForEach(File.Delete);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("10M", 10L << 20)]
    [InlineData(".5G", 1L << 29)]
    [InlineData("512KB", 512L << 10)]
    [InlineData("1073741824", 1L << 30)]
    public void Human_sizes_are_read_as_cloud_init_reads_them(string text, long bytes) =>
        Assert.Equal(bytes, MountsModule.HumanToBytes(text, "swap.size"));

    [Fact]
    public void Suggested_swap_size_follows_cloud_init()
    {
        const long G = 1L << 30;
        Assert.Equal(2 * G, MountsModule.SuggestedSwapSize(2 * G, null, 100 * G));
        Assert.Equal(4 * G, MountsModule.SuggestedSwapSize(8 * G, null, 100 * G));
        Assert.Equal(5 * G, MountsModule.SuggestedSwapSize(25 * G, null, 100 * G));
        Assert.Equal(1 * G, MountsModule.SuggestedSwapSize(8 * G, null, 4 * G));
        Assert.Equal(G / 2, MountsModule.SuggestedSwapSize(8 * G, G / 2, 100 * G));
    }
}
