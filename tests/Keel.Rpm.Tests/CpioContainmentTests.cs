using System.Text;

namespace Keel.Rpm.Tests;

public sealed class CpioContainmentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-cpio").FullName;

    private string Target => Path.Combine(_dir, "target");

    private string Outside => Path.Combine(_dir, "outside");

    public CpioContainmentTests()
    {
        Directory.CreateDirectory(Target);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "keep.txt"), "original");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A minimal newc writer; entries are (name, mode, data).</summary>
    private static MemoryStream Archive(params (string Name, int Mode, string Data)[] entries)
    {
        var ms = new MemoryStream();
        int ino = 1;
        foreach (var (name, mode, data) in entries.Append(("TRAILER!!!", 0, string.Empty)))
        {
            var bytes = Encoding.UTF8.GetBytes(data);
            var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
            var header = $"070701{ino++:X8}{mode:X8}{0:X8}{0:X8}{1:X8}{0:X8}{bytes.Length:X8}{0:X8}{0:X8}{0:X8}{0:X8}{nameBytes.Length:X8}{0:X8}";
            ms.Write(Encoding.ASCII.GetBytes(header));
            ms.Write(nameBytes);
            ms.Write(new byte[(4 - ((110 + nameBytes.Length) % 4)) % 4]);
            ms.Write(bytes);
            ms.Write(new byte[(4 - (bytes.Length % 4)) % 4]);
        }

        ms.Position = 0;
        return ms;
    }

    private const int File644 = 0x81a4;
    private const int Link777 = 0xa1ff;
    private const int Dir755 = 0x41ed;

    private void AssertOutsideUntouched()
    {
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(Outside).Select(Path.GetFileName));
        Assert.Equal("original", File.ReadAllText(Path.Combine(Outside, "keep.txt")));
        Assert.Equal(["outside", "target"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("../outside/keep.txt")]
    [InlineData("./a/../../outside/new.txt")]
    [InlineData("/tmp/keel-absolute-evil")]
    public void Escaping_names_are_refused(string name)
    {
        using var archive = Archive(("./ok.txt", File644, "fine"), (name, File644, "evil"));
        var e = Assert.Throws<InvalidDataException>(() => CpioExtractor.Extract(archive, Target, "evil.cpio"));
        Assert.StartsWith("evil.cpio: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        AssertOutsideUntouched();
        Assert.False(File.Exists("/tmp/keel-absolute-evil"));
    }

    [Fact]
    public void Archive_made_by_gnu_cpio_with_dotdot_is_refused()
    {
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work", "sub")).FullName;
        File.WriteAllText(Path.Combine(_dir, "work", "up.txt"), "from above");
        var archivePath = Path.Combine(_dir, "dotdot.cpio");
        var list = Path.Combine(_dir, "list.txt");
        File.WriteAllText(list, "../up.txt\n");
        var (code, stdout, stderr) = Tool.Run("sh", ["-c", "cpio -o -H newc --quiet < \"$1\" > \"$2\"", "sh", list, archivePath], workingDirectory: work);
        Assert.True(code == 0, stderr + stdout);
        using var archive = File.OpenRead(archivePath);
        var e = Assert.Throws<InvalidDataException>(() => CpioExtractor.Extract(archive, Target, archivePath));
        Assert.Contains("'../up.txt' contains '..'", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Target));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../outside")]
    [InlineData("/")]
    public void A_symlink_from_the_archive_is_never_followed(string linkTarget)
    {
        var outside = linkTarget == "../outside" ? Outside : Path.GetFullPath(Path.Combine(Target, linkTarget));
        using var archive = Archive(("./link", Link777, linkTarget), ("./link/new.txt", File644, "evil"));
        var e = Assert.Throws<InvalidDataException>(() => CpioExtractor.Extract(archive, Target, "link.cpio"));
        Assert.Contains("through the symlink", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outside, "new.txt")));
        AssertOutsideUntouched();
    }

    [Fact]
    public void A_symlink_already_in_the_tree_is_never_followed()
    {
        Directory.CreateSymbolicLink(Path.Combine(Target, "pre"), Outside);
        using var archive = Archive(("./pre", Dir755, string.Empty), ("./pre/keep.txt", File644, "evil"));
        Assert.Throws<InvalidDataException>(() => CpioExtractor.Extract(archive, Target, "pre.cpio"));
        AssertOutsideUntouched();
    }

    [Fact]
    public void A_file_replacing_a_symlink_replaces_the_link_not_its_target()
    {
        File.CreateSymbolicLink(Path.Combine(Target, "conf"), Path.Combine(Outside, "keep.txt"));
        using var archive = Archive(("./conf", File644, "new content"));
        CpioExtractor.Extract(archive, Target, "replace.cpio");
        var info = new FileInfo(Path.Combine(Target, "conf"));
        Assert.Null(info.LinkTarget);
        Assert.Equal("new content", File.ReadAllText(info.FullName));
        AssertOutsideUntouched();
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Target), p => Path.GetFileName(p).StartsWith(".keel-", StringComparison.Ordinal));
    }

    [Fact]
    public void Truncated_archive_is_InvalidDataException_and_leaves_no_temp_file()
    {
        using var full = Archive(("./dir", Dir755, string.Empty), ("./dir/data.bin", File644, new string('x', 5000)));
        var cut = new MemoryStream(full.ToArray()[..2000]);
        var e = Assert.Throws<InvalidDataException>(() => CpioExtractor.Extract(cut, Target, "cut.cpio"));
        Assert.StartsWith("cut.cpio: ", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Target, "dir")));
    }
}
