namespace Keel.Validation.Tests;

/// <summary>A validated root is hostile: no symlink or ".." in it may reach a file outside it.</summary>
public sealed class ConfinedRootTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("keel-confined-").FullName;

    [Fact]
    public void SymlinksAndDotDot_ResolveInsideTheRoot()
    {
        var outside = Path.Combine(_scratch, "outside");
        File.WriteAllText(outside, "secret");
        var root = Path.Combine(_scratch, "root");
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        File.CreateSymbolicLink(Path.Combine(root, "etc", "absolute"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "etc", "dotdot"), "../../outside");
        Directory.CreateSymbolicLink(Path.Combine(root, "dir"), _scratch);
        File.WriteAllText(Path.Combine(root, "inside"), "inside");
        File.CreateSymbolicLink(Path.Combine(root, "etc", "in-root"), "/inside");

        using var confined = ConfinedRoot.Open(root);
        // The host follows these out of the root; the validator must not.
        Assert.Equal("secret", File.ReadAllText(Path.Combine(root, "etc", "absolute")));
        Assert.Null(confined.ReadAllBytes("etc/absolute"));
        Assert.Null(confined.ReadAllBytes("etc/dotdot"));
        Assert.Null(confined.ReadAllBytes("dir/outside"));
        Assert.Null(confined.ReadAllBytes("../outside"));
        Assert.Null(confined.LStat("dir/outside"));
        // An absolute link means the root's own file, as after chroot.
        Assert.Equal("inside"u8.ToArray(), confined.ReadAllBytes("etc/in-root"));
        Assert.Null(confined.ReadAllBytes("etc/in-root", follow: false));
        Assert.Equal(outside, confined.ReadLink("etc/absolute"));
        Assert.True(confined.LStat("etc/absolute")!.Value.IsSymlink);
        Assert.Empty(confined.List("dir"));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
