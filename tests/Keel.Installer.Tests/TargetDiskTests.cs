using Keel.Config.Loading;
using Keel.Errors;
using Keel.Install.Devices;

namespace Keel.Installer.Tests;

public sealed class TargetDiskTests
{
    private static DiskInfo Disk(string name, long gib, string transport, bool empty = true, params TargetRefusal[] refusals) =>
        new($"/dev/{name}", name, [$"/dev/disk/by-id/{transport}-{name}"], null, $"SN-{name}", "QEMU", gib << 30, 512, 512, false, false, false, transport,
            empty ? [] : [new PartitionInfo($"/dev/{name}1", gib << 30, "ext4", "data")], refusals);

    private static LoadedConfig Config(string disk) =>
        ConfigLoader.Parse($"apiVersion: keel/v1\nkind: Machine\nstorage:\n  disk: {disk}\n", "server.yaml", Path.GetTempPath()).Config!;

    private static readonly DiskInfo[] Machine =
    [
        Disk("vda", 20, "virtio"),
        Disk("vdb", 20, "virtio", empty: false),
        Disk("sda", 8, "usb", empty: false, new TargetRefusal(TargetRefusal.InstallMedium, "holds the install medium (keel runs from /run/keel/medium); choose another disk"), new TargetRefusal(TargetRefusal.Mounted, "is mounted (at /run/keel/medium)")),
    ];

    [Fact]
    public void A_selector_matching_one_disk_picks_it() =>
        Assert.Equal("/dev/vda", TargetDisk.Choose(Config("{transport: virtio, empty: true}"), Machine));

    [Fact]
    public void A_selector_matching_two_disks_is_refused_listing_both()
    {
        var ex = Assert.Throws<KeelException>(() => TargetDisk.Choose(Config("{transport: virtio}"), Machine));
        Assert.Equal(ReasonCodes.TargetRefused, ex.Reason);
        Assert.Equal("storage.disk: the selector matches 2 disks, it must match exactly one: /dev/vda (/dev/disk/by-id/virtio-vda), /dev/vdb (/dev/disk/by-id/virtio-vdb)", ex.Message);
    }

    [Fact]
    public void A_selector_matching_nothing_lists_every_disk()
    {
        var ex = Assert.Throws<KeelException>(() => TargetDisk.Choose(Config("{transport: nvme}"), Machine));
        Assert.StartsWith("storage.disk: no disk matches the selector; the disks are: /dev/vda", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/dev/sda", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_medium_s_disk_is_never_picked()
    {
        var ex = Assert.Throws<KeelException>(() => TargetDisk.Choose(Config("{transport: usb}"), Machine));
        Assert.Contains("holds the install medium", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_selector_nothing_is_guessed()
    {
        var loaded = ConfigLoader.Parse("apiVersion: keel/v1\nkind: Machine\n", "server.yaml", Path.GetTempPath()).Config!;
        var ex = Assert.Throws<KeelException>(() => TargetDisk.Choose(loaded, Machine));
        Assert.StartsWith("server.yaml: storage.disk is missing", ex.Message, StringComparison.Ordinal);
    }
}
