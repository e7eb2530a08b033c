using Keel.Processes;

namespace Keel.DiskImages;

/// <summary>The host programs the storage layer runs, each with the Debian package named when it is missing.</summary>
internal static class HostTools
{
    /// <summary>The full path of <paramref name="program"/> (PATH and the sbin directories), or FileNotFoundException naming <paramref name="debianPackage"/>.</summary>
    public static string Require(string program, string debianPackage) => ToolLookup.Require(program, debianPackage);

    public static string Sgdisk => Require("sgdisk", "gdisk");

    public static string MkfsExt4 => Require("mkfs.ext4", "e2fsprogs");

    public static string Debugfs => Require("debugfs", "e2fsprogs");

    public static string MkfsVfat => Require("mkfs.vfat", "dosfstools");

    public static string Mmd => Require("mmd", "mtools");

    public static string Mcopy => Require("mcopy", "mtools");

    public static string MkfsXfs => Require("mkfs.xfs", "xfsprogs");

    public static string Mkswap => Require("mkswap", "util-linux");

    public static string Fallocate => Require("fallocate", "util-linux");

    public static string Losetup => Require("losetup", "mount");

    public static string Unshare => Require("unshare", "util-linux");

    public static string Partx => Require("partx", "util-linux");

    public static string Blockdev => Require("blockdev", "util-linux");

    public static string Stat => Require("stat", "coreutils");

    public static string QemuImg => Require("qemu-img", "qemu-utils");
}
