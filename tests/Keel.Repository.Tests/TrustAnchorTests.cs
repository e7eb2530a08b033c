using Keel.Errors;
using Keel.OpenPgp;
using Keel.Repository.Definitions;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>Issue 8 finding 3: where a repository's keys may come from (the signed fixture repository, keys over loopback).</summary>
public sealed class TrustAnchorTests : IDisposable
{
    private static readonly string Key = Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture");
    private readonly LoopbackServer _server = new(TestPaths.FixtureRepo);
    private readonly RepositoryLoader _loader = new();

    public void Dispose()
    {
        _server.Dispose();
        _loader.Dispose();
    }

    private RepositoryDefinition Signed(string key) => new() { Id = "fixture", BaseUrls = [TestPaths.FixtureRepo], GpgKeys = [key], GpgCheck = true, RepoGpgCheck = true };

    private Task<LoadedRepository> Load(RepositoryDefinition definition) =>
        _loader.LoadAsync(definition, new RepositoryLoadOptions { Cache = TestSupport.TempCache(), IncludeComps = false, IncludeUpdateInfo = false });

    [Fact]
    public async Task Http_key_without_a_pin_is_refused_before_it_is_fetched()
    {
        var url = _server.BaseUrl + "RPM-GPG-KEY-keel-fixture";
        var ex = await Assert.ThrowsAsync<SignatureException>(() => Load(Signed(url)));
        Assert.Equal(url, ex.Input);
        Assert.StartsWith(url + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("plain http", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain(_server.Log, l => l.Contains("RPM-GPG-KEY", StringComparison.Ordinal));

        // The same key as a local file is the config author's anchor and verifies repomd.xml.
        var repo = await Load(Signed(Key));
        Assert.NotEmpty(repo.Packages);
    }

    [Fact]
    public async Task Http_key_is_accepted_only_when_it_matches_the_pinned_fingerprint()
    {
        var url = _server.BaseUrl + "RPM-GPG-KEY-keel-fixture";
        var fingerprint = Assert.Single(OpenPgpKeyRing.Load(Key).PrimaryFingerprints);
        Assert.Matches("^[0-9A-F]{40}$", fingerprint);
        var repo = await Load(Signed(url) with { GpgKeyFingerprints = [fingerprint.ToLowerInvariant()] });
        Assert.NotEmpty(repo.Packages);

        var wrong = new string('A', 40);
        var ex = await Assert.ThrowsAsync<SignatureException>(() => Load(Signed(url) with { GpgKeyFingerprints = [wrong] }));
        Assert.Equal(url, ex.Input);
        Assert.Contains(fingerprint, ex.Message, StringComparison.Ordinal);
        Assert.Contains("not the pinned " + wrong, ex.Message, StringComparison.Ordinal);

        // A local key is held to the pin as well.
        await Assert.ThrowsAsync<SignatureException>(() => Load(Signed(Key) with { GpgKeyFingerprints = [wrong] }));
    }

    [Fact]
    public void Command_line_repository_keeps_gpgcheck_on_without_a_key()
    {
        var def = RepositorySpec.Parse(TestPaths.FixtureRepo);
        Assert.True(def.GpgCheck);
        Assert.Empty(def.GpgKeys);
    }
}
