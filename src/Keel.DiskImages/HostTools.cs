namespace Keel.DiskImages;

/// <summary>Finds the host programs the storage layer runs, naming the Debian package of any that is missing.</summary>
internal static class HostTools
{
    // sbin directories are searched too: a non-login root shell often lacks them on PATH.
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The full path of <paramref name="program"/>, or FileNotFoundException naming <paramref name="debianPackage"/>.</summary>
    public static string Require(string program, string debianPackage) =>
        Find(program) ?? throw new FileNotFoundException($"{program}: not found on PATH (install the Debian package {debianPackage})");

    public static string? Find(string program)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var dir in path.Concat(ExtraDirectories))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        return null;
    }

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
