using Keel.Errors;
using Keel.OpenPgp;
using Keel.Tests;

namespace Keel.Install.Tests;

/// <summary>Issue 8 finding 3: `--repo DIR` never takes the mirror's own key as its anchor, and never turns gpgcheck off.</summary>
public sealed class RepositoryOverrideTests : IDisposable
{
    private static readonly string MirrorKey = Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture");
    private readonly string _dir = InstallFixtures.ScratchPath("override");

    public RepositoryOverrideTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => InstallFixtures.DeleteQuietly(_dir);

    private Keel.Config.Loading.LoadedConfig Config(string repositories = "") => InstallFixtures.Parse(
        "apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: minimal\nhostname: t\n" + repositories, _dir);

    [Fact]
    public void Config_without_repositories_is_refused_instead_of_trusting_the_mirrors_key()
    {
        var loaded = Config();
        var ex = Assert.Throws<SignatureException>(() => RepositoryOverride.Apply(loaded, TestPaths.FixtureRepo));
        Assert.Contains("--repo " + TestPaths.FixtureRepo, ex.Message, StringComparison.Ordinal);
        Assert.Contains("no trusted key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--repo-key", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_missing_config_key_is_not_replaced_by_the_mirrors_file_of_that_name()
    {
        var loaded = Config("repositories:\n  - id: fixture\n    path: elsewhere/repo\n    gpgkeys: [elsewhere/RPM-GPG-KEY-keel-fixture]\n");
        var ex = Assert.Throws<SignatureException>(() => RepositoryOverride.Apply(loaded, TestPaths.FixtureRepo));
        var expected = Path.Combine(_dir, "elsewhere", "RPM-GPG-KEY-keel-fixture");
        Assert.Equal(expected, ex.Input);
        Assert.Contains("key " + expected + " does not exist", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(loaded.Config.Repositories[0].Gpgkeys, k => k.StartsWith(TestPaths.FixtureRepo, StringComparison.Ordinal));
    }

    [Fact]
    public void Operator_key_or_pinned_fingerprint_gives_the_anchor_and_nogpgcheck_is_explicit()
    {
        var keyed = Config();
        Assert.Empty(RepositoryOverride.Apply(keyed, new RepositoryOverrideRequest(TestPaths.FixtureRepo, [MirrorKey], [], false)));
        var repo = Assert.Single(keyed.Config.Repositories);
        Assert.Equal([MirrorKey], repo.Gpgkeys);
        Assert.True(repo.Gpgcheck);

        var fingerprint = Assert.Single(OpenPgpKeyRing.Load(MirrorKey).PrimaryFingerprints);
        var pinned = Config();
        RepositoryOverride.Apply(pinned, new RepositoryOverrideRequest(TestPaths.FixtureRepo, [], [fingerprint], false));
        repo = Assert.Single(pinned.Config.Repositories);
        Assert.Equal([MirrorKey], repo.Gpgkeys);
        Assert.Equal([fingerprint], repo.GpgkeyFingerprints);
        var definition = Assert.Single(ConfigRepositories.Definitions(pinned));
        Assert.Equal([fingerprint], definition.GpgKeyFingerprints);

        var off = Config();
        var warning = Assert.Single(RepositoryOverride.Apply(off, new RepositoryOverrideRequest(TestPaths.FixtureRepo, [], [], true)));
        Assert.Contains("not checked", warning, StringComparison.Ordinal);
        Assert.False(Assert.Single(off.Config.Repositories).Gpgcheck);
    }
}
