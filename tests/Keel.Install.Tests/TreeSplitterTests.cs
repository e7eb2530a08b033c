using Keel.Install.Storage;

namespace Keel.Install.Tests;

public sealed class TreeSplitterTests : IDisposable
{
    private readonly string _work = InstallFixtures.ScratchPath("split");

    public void Dispose() => InstallFixtures.DeleteQuietly(_work);

    [Fact]
    public void Nested_mount_points_each_get_their_own_tree_and_leave_empty_directories()
    {
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(Path.Combine(root, "boot/efi/EFI/BOOT"));
        File.WriteAllText(Path.Combine(root, "boot/efi/EFI/BOOT/BOOTX64.EFI"), "efi");
        File.WriteAllText(Path.Combine(root, "boot/config"), "cfg");
        Directory.CreateDirectory(Path.Combine(root, "home/alice"));
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        File.CreateSymbolicLink(Path.Combine(root, "boot/link"), "/etc/passwd");

        var trees = TreeSplitter.Split(root, ["/", "/boot", "/boot/efi", "/home", "/var"], _work);

        Assert.Equal(root, trees["/"]);
        Assert.Equal("efi", File.ReadAllText(Path.Combine(trees["/boot/efi"], "EFI/BOOT/BOOTX64.EFI")));
        Assert.Equal("cfg", File.ReadAllText(Path.Combine(trees["/boot"], "config")));
        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(trees["/boot"], "link")).LinkTarget);
        // /boot's tree keeps the (now empty) mount point of the ESP; / keeps /boot, /home and a new /var.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(trees["/boot"], "efi")));
        Assert.True(Directory.Exists(Path.Combine(trees["/home"], "alice")));
        foreach (var mp in new[] { "boot", "home", "var" })
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, mp)));
        }

        Assert.True(Directory.Exists(Path.Combine(root, "etc")));
    }

    [Fact]
    public void A_mount_point_that_is_a_symlink_is_refused()
    {
        var root = Path.Combine(_work, "root");
        Directory.CreateDirectory(Path.Combine(root, "usr"));
        File.CreateSymbolicLink(Path.Combine(root, "home"), "/tmp");
        var ex = Assert.Throws<InvalidDataException>(() => TreeSplitter.Split(root, ["/", "/home"], _work));
        Assert.Equal("storage.format: mount point '/home': /home is a symlink in the installed tree", ex.Message);
    }
}
