using Keel.Errors;
using Keel.Repository.Definitions;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>
/// Issue 8 finding 4: a mirror serving older signed metadata than was already seen is refused, and metadata older than a
/// maximum age is refused. Real repositories by createrepo_c --revision, repomd.xml signed by a throwaway gpg key.
/// </summary>
public sealed class MetadataFreshnessTests : IDisposable
{
    private readonly string _work = TestSupport.TempDir();
    private readonly string _gnupg = Directory.CreateTempSubdirectory("kg").FullName; // short: gpg-agent's socket path is limited
    private readonly RepositoryLoader _loader = new();

    public void Dispose()
    {
        _loader.Dispose();
        try
        {
            TestSupport.Run("gpgconf", "--homedir", _gnupg, "--kill", "gpg-agent");
        }
        finally
        {
            Directory.Delete(_gnupg, recursive: true);
        }
    }

    [Fact]
    public async Task Older_revision_after_a_newer_one_is_refused_as_stale()
    {
        var key = CreateKey();
        var newer = BuildSignedRepo("newer", "1700000200");
        var older = BuildSignedRepo("older", "1700000100");
        var served = Path.Combine(_work, "served");
        using var server = new LoopbackServer(served);
        var cache = TestSupport.TempCache();
        var definition = new RepositoryDefinition { Id = "mirror", BaseUrls = [server.BaseUrl], GpgKeys = [key], RepoGpgCheck = true };
        var options = new RepositoryLoadOptions { Cache = cache, IncludeComps = false, IncludeUpdateInfo = false };

        TestSupport.CopyDirectory(newer, served);
        var first = await _loader.LoadAsync(definition, options);
        Assert.Equal("1700000200", first.Revision);

        // The mirror now serves the older, still validly signed metadata.
        Directory.Delete(served, recursive: true);
        TestSupport.CopyDirectory(older, served);
        var ex = await Assert.ThrowsAsync<KeelException>(() => _loader.LoadAsync(definition, options));
        Assert.Equal(ReasonCodes.MetadataStale, ex.Reason);
        Assert.Equal(server.BaseUrl + "repodata/repomd.xml", ex.Input);
        Assert.Contains("revision 1700000100", ex.Message, StringComparison.Ordinal);
        Assert.Contains("older than revision 1700000200", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'mirror'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);

        // Serving the newest revision again loads: only going back is refused. A fresh cache has no memory of it.
        Directory.Delete(served, recursive: true);
        TestSupport.CopyDirectory(newer, served);
        Assert.Equal("1700000200", (await _loader.LoadAsync(definition, options)).Revision);
    }

    [Fact]
    public async Task Metadata_older_than_the_maximum_age_is_refused()
    {
        var key = CreateKey();
        // --set-timestamp-to-revision: every <timestamp> is the revision, here 2023-11-14, long before "now".
        var repo = BuildSignedRepo("old", "1700000000");
        var definition = new RepositoryDefinition { Id = "old", BaseUrls = [repo], GpgKeys = [key], RepoGpgCheck = true };
        var options = new RepositoryLoadOptions { Cache = TestSupport.TempCache(), IncludeComps = false, IncludeUpdateInfo = false };

        Assert.NotEmpty((await _loader.LoadAsync(definition, options)).Packages);
        var ex = await Assert.ThrowsAsync<KeelException>(() => _loader.LoadAsync(definition with { MetadataMaxAge = TimeSpan.FromDays(7) }, options));
        Assert.Equal(ReasonCodes.MetadataStale, ex.Reason);
        Assert.Contains("2023-11-14", ex.Message, StringComparison.Ordinal);
        Assert.Contains("older than the 7d allowed", ex.Message, StringComparison.Ordinal);
    }

    private string CreateKey()
    {
        TestSupport.Run("gpg", "--homedir", _gnupg, "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", "Keel freshness test <test@keel.invalid>", "rsa2048", "sign", "never");
        var key = Path.Combine(_work, "RPM-GPG-KEY-test");
        File.WriteAllText(key, TestSupport.Run("gpg", "--homedir", _gnupg, "--batch", "--armor", "--export"));
        return key;
    }

    private string BuildSignedRepo(string name, string revision)
    {
        var dir = Path.Combine(_work, name);
        Directory.CreateDirectory(dir);
        foreach (var rpm in Directory.GetFiles(TestSupport.CreaterepoData("packages"), "*.rpm").Take(3))
        {
            File.Copy(rpm, Path.Combine(dir, Path.GetFileName(rpm)));
        }

        TestSupport.Run("createrepo_c", "--quiet", "--no-database", "--revision", revision, "--set-timestamp-to-revision", dir);
        TestSupport.Run("gpg", "--homedir", _gnupg, "--batch", "--yes", "--armor", "--detach-sign", Path.Combine(dir, "repodata", "repomd.xml"));
        return dir;
    }
}
