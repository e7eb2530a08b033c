namespace Keel.Install.Tests;

public sealed class InstallRootTests : IDisposable
{
    private readonly string _dir = InstallFixtures.ScratchPath("rootcheck");

    public void Dispose() => InstallFixtures.DeleteQuietly(_dir);

    [Theory]
    [InlineData("/")]
    [InlineData("/.")]
    [InlineData("/tmp/..")]
    public void The_host_root_is_refused_however_it_is_spelled(string root)
    {
        var ex = Assert.Throws<IOException>(() => InstallRoot.Prepare(root));
        Assert.Contains("refusing to install into /", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_to_the_host_root_is_refused()
    {
        Directory.CreateDirectory(_dir);
        var link = Path.Combine(_dir, "link");
        Directory.CreateSymbolicLink(link, "/");
        var ex = Assert.Throws<IOException>(() => InstallRoot.Prepare(link));
        Assert.Contains("link to /", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_root_is_created_and_an_empty_one_accepted()
    {
        var root = Path.Combine(_dir, "new", "root");
        Assert.Equal(root, InstallRoot.Prepare(root));
        Assert.True(Directory.Exists(root));
        Assert.Equal(root, InstallRoot.Prepare(root));
    }
}
