namespace Keel.Sbom.Tests;

/// <summary>A root is attacker-controlled: links in it are resolved inside it, never on the host.</summary>
public sealed class HostileRootTests
{
    [Fact]
    public void AbsoluteLinks_AreResolvedInsideTheRoot()
    {
        Assert.True(File.Exists("/usr/lib/os-release"), "the host's os-release is the bait");
        var root = FixtureRoot.Install(FixtureRoot.Repo, "setup");
        try
        {
            var expected = FixtureRoot.RpmQa(root).Count;

            // etc/os-release -> /usr/lib/os-release: inside the root there is none; the host's must not be read.
            File.Delete(Path.Combine(root, "usr/lib/os-release"));
            File.Delete(Path.Combine(root, "etc/os-release"));
            File.CreateSymbolicLink(Path.Combine(root, "etc/os-release"), "/usr/lib/os-release");

            // The rpmdb directory moved away and replaced by a link to the host's path of the same name.
            var db = Path.Combine(root, "usr/lib/sysimage/rpm");
            Directory.Move(db, Path.Combine(root, "usr/lib/sysimage/rpm-real"));
            File.CreateSymbolicLink(db, "/usr/lib/sysimage/rpm-real");

            var inventory = SystemInventory.Read(root, "root " + root);
            Assert.Null(inventory.OsRelease);
            Assert.Equal(expected, inventory.Packages.Count);
            Assert.Equal("system", SbomSubject.From(inventory, null).Name);
        }
        finally
        {
            FixtureRoot.Delete(root);
        }
    }
}
