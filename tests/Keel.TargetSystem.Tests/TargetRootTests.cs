namespace Keel.TargetSystem.Tests;

public sealed class TargetRootTests
{
    [Fact]
    public void A_symlink_to_an_existing_directory_is_created_and_replaced()
    {
        // The agent's /var/lib/cloud/instance link points at a directory that exists on a booted machine; File.Move
        // follows such a link and failed there, while test roots (absolute targets dangling on the host) hid it.
        using var t = new ScratchRoot();
        t.Root.CreateDirectory("/var/lib/cloud/instances/a");
        t.Root.CreateDirectory("/var/lib/cloud/instances/b");
        var a = Path.Combine(t.Root.RootPath, "var/lib/cloud/instances/a");
        var b = Path.Combine(t.Root.RootPath, "var/lib/cloud/instances/b");

        t.Root.Symlink("/var/lib/cloud/instance", a);
        var link = Path.Combine(t.Root.RootPath, "var/lib/cloud/instance");
        Assert.Equal(a, new FileInfo(link).LinkTarget);

        t.Root.Symlink("/var/lib/cloud/instance", b);
        Assert.Equal(b, new FileInfo(link).LinkTarget);
        Assert.Equal(["a", "b", "instance", "instances"], Directory.EnumerateFileSystemEntries(Path.Combine(t.Root.RootPath, "var/lib/cloud"), "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
