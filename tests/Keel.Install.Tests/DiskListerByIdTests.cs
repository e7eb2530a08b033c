using Keel.Install.Devices;

namespace Keel.Install.Tests;

/// <summary>A live system without udev still names its virtio disks by the by-id name udev would give them.</summary>
public sealed class DiskListerByIdTests
{
    [Fact]
    public void A_virtio_disk_without_by_id_links_is_named_from_its_serial_as_udev_would()
    {
        Assert.Equal(["/dev/disk/by-id/virtio-keel-disk1"], DiskLister.UdevLessById("/dev", "vda", "keel-disk1"));
        Assert.Empty(DiskLister.UdevLessById("/dev", "vda", null));
        Assert.Empty(DiskLister.UdevLessById("/dev", "vda", ""));
        // Only what udev would put in a file name; anything else is no name at all rather than a made-up one.
        Assert.Empty(DiskLister.UdevLessById("/dev", "vda", "../../sda"));
        Assert.Empty(DiskLister.UdevLessById("/dev", "vda", "a b"));
        // Other transports have their own udev naming (ata-MODEL_SERIAL, nvme-…) that sysfs alone does not give reliably.
        Assert.Empty(DiskLister.UdevLessById("/dev", "sda", "S6PXNM0T123456A"));
    }
}
