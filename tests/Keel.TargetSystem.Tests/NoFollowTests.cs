using Keel.Errors;

namespace Keel.TargetSystem.Tests;

public sealed class NoFollowTests
{
    [Fact]
    public void Deleting_a_symlink_removes_the_link_and_never_its_target()
    {
        using var t = new ScratchRoot();
        var shadow = t["/etc/shadow"];
        File.CreateSymbolicLink(t.Host("/etc/link"), "/etc/shadow");

        Assert.True(NoFollow.DeleteFile(t.Root, "/etc/link"));
        Assert.False(NoFollow.DeleteFile(t.Root, "/etc/link"));

        Assert.False(File.Exists(t.Host("/etc/link")));
        Assert.Equal(shadow, t["/etc/shadow"]);
    }

    [Fact]
    public void Listing_and_deleting_refuse_a_symlinked_directory_on_the_way()
    {
        using var t = new ScratchRoot();
        var outside = Path.Combine(t.Base, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "victim"), "kept");
        File.CreateSymbolicLink(t.Host("/etc/ssh"), outside);

        Assert.Throws<UnsafePathException>(() => NoFollow.ListNames(t.Root, "/etc/ssh"));
        var ex = Assert.Throws<UnsafePathException>(() => NoFollow.DeleteFile(t.Root, "/etc/ssh/victim"));

        Assert.Equal("/etc/ssh", ex.Input);
        Assert.Equal("kept", File.ReadAllText(Path.Combine(outside, "victim")));
    }

    [Fact]
    public void Writing_over_a_symlink_is_a_one_line_refusal_naming_the_path()
    {
        using var t = new ScratchRoot();
        File.CreateSymbolicLink(t.Host("/etc/dangling"), "/missing/file");

        var ex = Assert.Throws<UnsafePathException>(() => NoFollow.WriteText(t.Root, "/etc/dangling", "x", UnixFileMode.UserRead));

        Assert.StartsWith("/etc/dangling in ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("symlink", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.UnsafePath, ex.Reason);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_dangling_symlink_written_by_path_names_the_path_and_its_target()
    {
        // TargetRoot follows links inside the root as the chrooted system would; into a missing directory that fails,
        // and the message must say so itself: the runtime's own (a bare resource key in the NativeAOT agent) names neither.
        using var t = new ScratchRoot();
        File.CreateSymbolicLink(t.Host("/etc/motd"), "/missing/dir/motd");

        var ex = Assert.Throws<UnsafePathException>(() => t.Root.WriteText("/etc/motd", "hi\n", (UnixFileMode)0x1a4));

        Assert.Equal($"/etc/motd: is a symlink to /missing/dir/motd in {t.RootPath}, whose directory does not exist; nothing written", ex.Message);
    }

    [Fact]
    public void Only_regular_files_count_as_regular()
    {
        using var t = new ScratchRoot();
        File.CreateSymbolicLink(t.Host("/etc/link"), "/etc/passwd");

        Assert.True(NoFollow.IsRegularFile(t.Root, "/etc/passwd"));
        Assert.False(NoFollow.IsRegularFile(t.Root, "/etc/link"));
        Assert.False(NoFollow.IsRegularFile(t.Root, "/etc"));
        Assert.False(NoFollow.IsRegularFile(t.Root, "/etc/none"));
    }
}
