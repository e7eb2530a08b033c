using Keel.Media;

namespace Keel.Installer.Tests;

public sealed class RepositoryChoiceTests : IDisposable
{
    private readonly string _medium = Directory.CreateTempSubdirectory("keel-repo-medium").FullName;

    public void Dispose() => Directory.Delete(_medium, true);

    private static RepositoryChooser Chooser() => new(new InstallerOptions { RepositoryTimeout = TimeSpan.FromSeconds(3) });

    private static InstallerArguments Args(string? repo = null) => new(null, repo, false, null);

    [Fact]
    public async Task A_reachable_online_repository_comes_first_with_the_medium_as_fallback()
    {
        using var server = new TestHttpServer(new() { ["/repo/repodata/repomd.xml"] = "<repomd/>"u8.ToArray() });
        var decision = await Chooser().ChooseAsync(_medium, TestMedium.Info(server.Url + "/repo"), Args(), default);
        Assert.True(decision.Online);
        Assert.Equal($"using the online repository {server.Url}/repo (the medium's online repository); the medium's repository is the fallback", decision.Line);
        Assert.Equal(["keel-fixture-online", "keel-fixture"], decision.Repositories.Select(r => r.Id));
        Assert.True(decision.Repositories[0].Priority < decision.Repositories[1].Priority);
        Assert.Equal(server.Url + "/repo", decision.Repositories[0].Baseurl);
        Assert.Equal(Path.Combine(_medium, MediumLayout.Repository), decision.Repositories[1].Path);

        // The online repository's packages are checked against the key the verified medium carries.
        Assert.Equal([Path.Combine(_medium, "repo/RPM-GPG-KEY-keel-fixture")], decision.Repositories[0].Gpgkeys);
        Assert.All(decision.Repositories, r => Assert.True(r.Gpgcheck));
    }

    [Fact]
    public async Task A_stopped_server_means_the_medium_only_and_says_why()
    {
        string url;
        using (var server = new TestHttpServer(new() { ["/repo/repodata/repomd.xml"] = "<repomd/>"u8.ToArray() }))
        {
            url = server.Url + "/repo";
        }

        var decision = await Chooser().ChooseAsync(_medium, TestMedium.Info(url), Args(), default);
        Assert.False(decision.Online);
        Assert.StartsWith($"online repository {url} unreachable (", decision.Line, StringComparison.Ordinal);
        Assert.EndsWith("): using the medium's repository", decision.Line, StringComparison.Ordinal);
        Assert.Equal(["keel-fixture"], decision.Repositories.Select(r => r.Id));
    }

    [Fact]
    public async Task Keel_repo_overrides_the_medium_and_a_404_is_unreachable()
    {
        using var server = new TestHttpServer(new() { ["/mirror/repodata/repomd.xml"] = "<repomd/>"u8.ToArray() });
        var used = await Chooser().ChooseAsync(_medium, TestMedium.Info("http://192.0.2.1/never"), Args(server.Url + "/mirror"), default);
        Assert.True(used.Online);
        Assert.Equal("online", used.Repositories[0].Id);
        Assert.Contains("(keel.repo)", used.Line, StringComparison.Ordinal);

        var missing = await Chooser().ChooseAsync(_medium, TestMedium.Info(), Args(server.Url + "/elsewhere"), default);
        Assert.False(missing.Online);
        Assert.Contains("(HTTP 404 for repodata/repomd.xml)", missing.Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_online_repository_the_medium_is_used()
    {
        var decision = await Chooser().ChooseAsync(_medium, TestMedium.Info(), Args(), default);
        Assert.Equal("no online repository configured: using the medium's repository", decision.Line);
        Assert.Single(decision.Repositories);
    }
}
