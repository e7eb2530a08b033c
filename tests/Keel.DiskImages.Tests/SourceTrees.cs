using static Keel.DiskImages.Tests.HostCommands;

namespace Keel.DiskImages.Tests;

/// <summary>Builds fixture trees whose content is fixed but whose creation order (and so ctimes and readdir order) varies.</summary>
internal static class SourceTrees
{
    public const long Mtime = 1_600_000_000;
    public const long Epoch = 1_700_000_000;
    public const long Future = Epoch + 86_400;

    /// <summary>A root-like tree: owners, modes, setuid, a symlink, a hard link, device nodes, an xattr, a future mtime and a multi-block directory.</summary>
    public static void BuildRoot(string root, bool reverse)
    {
        Directory.CreateDirectory(root);
        var files = new List<(string Path, string Content)>
        {
            ("etc/hostname", "keel\n"),
            ("usr/bin/tool", "#!/bin/sh\necho tool\n"),
            ("home/user/secret", "s3cret\n"),
            ("var/future", "from the future\n"),
            ("odd \"name\" x", "quoted\n"),
            ("-dash/#hash", "dash\n"),
        };
        files.AddRange(Enumerable.Range(0, 150).Select(i => ($"many/file-with-a-longish-name-{i:D3}", $"n{i}\n")));
        if (reverse)
        {
            files.Reverse();
        }

        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Directory.CreateDirectory(Path.Combine(root, "dev"));
        Directory.CreateDirectory(Path.Combine(root, "run"));
        string[][] specials = [["mknod", "-m", "666", Path.Combine(root, "dev/null"), "c", "1", "3"], ["mknod", "-m", "600", Path.Combine(root, "run/fifo"), "p"]];
        foreach (var s in reverse ? specials.Reverse() : specials)
        {
            Run(s[0], s[1..]);
        }

        File.CreateSymbolicLink(Path.Combine(root, "bin"), "usr/bin");
        Run("ln", Path.Combine(root, "usr/bin/tool"), Path.Combine(root, "usr/bin/tool2"));
        Run("chown", "-R", "0:0", root);
        Run("chown", "-R", "1234:5678", Path.Combine(root, "home/user"));
        Run("chmod", "4755", Path.Combine(root, "usr/bin/tool"));
        Run("chmod", "0600", Path.Combine(root, "home/user/secret"));
        Run("chmod", "0555", root);
        SetXattr(Path.Combine(root, "etc/hostname"), "security.selinux", "system_u:object_r:etc_t:s0\0"u8.ToArray());
        SetTimes(root);
        Touch(Path.Combine(root, "var/future"), Future);
    }

    /// <summary>A small ESP: a boot loader binary, loader.conf and an entry with a long name.</summary>
    public static void BuildEsp(string root, bool reverse)
    {
        var files = new List<(string Path, string Content)>
        {
            ("EFI/BOOT/BOOTX64.EFI", "MZ not really a PE\n"),
            ("loader/loader.conf", "timeout 3\n"),
            ("loader/entries/keel-6.1.0-with-a-long-name.conf", "title Keel\n"),
            ("late.txt", "future\n"),
        };
        if (reverse)
        {
            files.Reverse();
        }

        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        SetTimes(root);
        Touch(Path.Combine(root, "late.txt"), Future);
    }

    private static void SetTimes(string root) => Run("find", root, "-exec", "touch", "-h", "-d", "@" + Mtime, "{}", "+");
}
