using Keel.Config.Model;
using Keel.Install.Devices;

namespace Keel.Install.Tests;

/// <summary>Selector matching over fixed disk lists: criteria, ambiguity, and refused targets.</summary>
public sealed class DiskSelectionTests
{
    private static readonly DiskInfo Nvme = Disk("/dev/nvme0n1", "nvme", 512L << 30, wwn: "eui.0025388b91b3d6a1", serial: "S4EWNX0N123", model: "Samsung SSD 970 EVO 500GB",
        ids: ["/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_500GB_S4EWNX0N123"]);

    private static readonly DiskInfo Sata = Disk("/dev/sda", "sata", 2L << 40, wwn: "naa.5000c500a1b2c3d4", serial: "ZA1234", model: "ST2000DM008",
        ids: ["/dev/disk/by-id/ata-ST2000DM008_ZA1234", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4"], partitions: 2);

    private static readonly DiskInfo Usb = Disk("/dev/sdb", "usb", 32L << 30, serial: "4C530001", model: "Cruzer Blade", ids: ["/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001-0:0"],
        refusals: [new TargetRefusal(TargetRefusal.InstallMedium, "holds the install medium (keel runs from /run/media/keel); choose another disk")]);

    private static readonly DiskInfo[] All = [Nvme, Sata, Usb];

    [Fact]
    public void Each_criterion_narrows_the_match()
    {
        Assert.Equal([Nvme], DiskSelection.Matches(new DiskSelector { Transport = "NVMe" }, All));
        Assert.Equal([Sata], DiskSelection.Matches(new DiskSelector { ById = "wwn-0x5000c500a1b2c3d4" }, All));
        Assert.Equal([Sata], DiskSelection.Matches(new DiskSelector { ById = "/dev/disk/by-id/ata-ST2000DM008_ZA1234" }, All));
        Assert.Equal([Sata], DiskSelection.Matches(new DiskSelector { Wwn = "5000c500a1b2c3d4" }, All));
        Assert.Equal([Nvme], DiskSelection.Matches(new DiskSelector { Serial = "s4ewnx0n123" }, All));
        Assert.Equal([Usb], DiskSelection.Matches(new DiskSelector { Model = " cruzer blade " }, All));
        Assert.Equal([Nvme, Sata], DiskSelection.Matches(new DiskSelector { MinSize = "100GiB" }, All));
        Assert.Equal([Nvme, Usb], DiskSelection.Matches(new DiskSelector { MaxSize = "1TiB" }, All));
        Assert.Equal([Nvme], DiskSelection.Matches(new DiskSelector { MinSize = "100GiB", MaxSize = "1TiB" }, All));
        Assert.Equal([Nvme, Usb], DiskSelection.Matches(new DiskSelector { Empty = true }, All));
        Assert.Equal([Sata], DiskSelection.Matches(new DiskSelector { Empty = false }, All));
        Assert.Equal([Sata], DiskSelection.Matches(DiskSelector.ForPath("/dev/disk/by-id/ata-ST2000DM008_ZA1234"), All));
        Assert.Empty(DiskSelection.Matches(new DiskSelector { Transport = "nvme", Empty = false }, All));
    }

    [Fact]
    public void Exactly_one_usable_disk_is_picked()
    {
        Assert.Same(Nvme, DiskSelection.Pick(new DiskSelector { Transport = "nvme" }, All));
    }

    [Fact]
    public void An_ambiguous_selector_is_refused_naming_every_candidate_by_path_and_id()
    {
        var ex = Assert.Throws<IOException>(() => DiskSelection.Pick(new DiskSelector { MinSize = "100GiB" }, All));
        Assert.Equal("storage.disk: the selector matches 2 disks, it must match exactly one: /dev/nvme0n1 (/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_500GB_S4EWNX0N123), " +
            "/dev/sda (/dev/disk/by-id/ata-ST2000DM008_ZA1234, /dev/disk/by-id/wwn-0x5000c500a1b2c3d4)", ex.Message);
    }

    [Fact]
    public void A_selector_matching_the_install_medium_or_nothing_is_refused()
    {
        var medium = Assert.Throws<IOException>(() => DiskSelection.Pick(new DiskSelector { Transport = "usb" }, All));
        Assert.Equal("storage.disk: the selector picks /dev/sdb (/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001-0:0), which cannot be an install target: " +
            "holds the install medium (keel runs from /run/media/keel); choose another disk", medium.Message);
        var none = Assert.Throws<IOException>(() => DiskSelection.Pick(new DiskSelector { Transport = "virtio" }, All));
        Assert.StartsWith("storage.disk: no disk matches the selector; the disks are: /dev/nvme0n1 (", none.Message, StringComparison.Ordinal);
    }

    private static DiskInfo Disk(string path, string transport, long size, string? wwn = null, string? serial = null, string? model = null,
        IReadOnlyList<string>? ids = null, int partitions = 0, IReadOnlyList<TargetRefusal>? refusals = null) =>
        new(path, Path.GetFileName(path), ids ?? [], wwn, serial, model, size, 512, 512, transport == "usb", false, false, transport,
            Enumerable.Range(1, partitions).Select(n => new PartitionInfo($"{path}{n}", 1L << 30, "ext4", null)).ToList(), refusals ?? []);
}
