using Keel.Installer.Api;

namespace Keel.Installer.Tui.Tests.Support;

/// <summary>Machines for the stand-in service, shaped like the shipped profiles (several-disks-usb, too-small).</summary>
internal static class Machines
{
    public static MachineFacts SeveralDisksUsb() => new(
        [
            new("/dev/sda", "/dev/disk/by-id/ata-Samsung_SSD_870_EVO_500GB_S6PX", "Samsung SSD 870 EVO 500GB", 500107862016, false, "sata",
                [new("/dev/sda1", 500105740288, "xfs", "data")], null, []),
            new("/dev/nvme0n1", "/dev/disk/by-id/nvme-WD_BLACK_SN770_1TB_22123A", "WD_BLACK SN770 1TB", 1000204886016, false, "nvme", [], null, []),
            new("/dev/sr0", "/dev/disk/by-id/ata-QEMU_DVD-ROM_QM00001", "QEMU DVD-ROM", 734003200, true, "sata",
                [new("/dev/sr0", 734003200, "iso9660", "KEEL_INSTALL")], null, ["holds the installer medium", "read-only"]),
        ],
        [new VolumeFacts("/dev/sdb1", "vfat", "KEYS", 16007561216, true)],
        [new InterfaceFacts("eno1", "52:54:00:12:34:56", true, ["10.0.2.15/24", "fe80::5054:ff:fe12:3456/64"])],
        "rack3-node7");

    public static MachineFacts TooSmall() => new(
        [new("/dev/vda", "/dev/disk/by-id/virtio-tiny0001", "QEMU HARDDISK", 2L << 30, false, "virtio", [], null, [])],
        [],
        [new InterfaceFacts("enp1s0", null, true, ["10.0.2.15/24"])],
        null);
}
