using Keel.Tests;

namespace Keel.Cli.Tests;

/// <summary>`keel repo download` against the signed fixture repository built by tests/fixture-distro/build.sh.</summary>
public sealed class RepoDownloadCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-cli-download-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteRepoFile(string gpgKey)
    {
        var path = Path.Combine(_dir, "fixture.repo");
        File.WriteAllText(path, $"""
            [fixture]
            name=Keel fixture
            baseurl=file://{TestPaths.FixtureRepo}
            gpgcheck=1
            gpgkey=file://{gpgKey}
            """);
        return path;
    }

    [Fact]
    public async Task Downloads_signed_packages_verified_with_the_repository_key()
    {
        var repoFile = WriteRepoFile(Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture"));
        var dest = Path.Combine(_dir, "out");
        var (exit, stdout, stderr) = await CliRunner.RunAsync("repo", "download", "--repofile", repoFile, "--cache", Path.Combine(_dir, "cache"), "--dest", dest, "podman");
        Assert.True(exit == 0, stderr);
        var file = Assert.Single(Directory.GetFiles(dest, "*.rpm"));
        Assert.StartsWith("podman-", Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Contains(file, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_line_repository_needs_a_key_or_an_explicit_nogpgcheck()
    {
        // Issue 8 finding 3: --repo used to download with gpgcheck quietly off.
        var dest = Path.Combine(_dir, "out");
        var cache = Path.Combine(_dir, "cache");
        var (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repo", TestPaths.FixtureRepo, "--cache", cache, "--dest", dest, "podman");
        Assert.Equal(1, exit);
        Assert.Contains("no trusted key", stderr, StringComparison.Ordinal);
        Assert.Contains("--repo-key", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFiles(dest, "*.rpm").Any());

        var key = Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture");
        (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repo", TestPaths.FixtureRepo, "--repo-key", key, "--cache", cache, "--dest", dest, "podman");
        Assert.True(exit == 0, stderr);

        // The mirror's own key counts only through a pinned fingerprint, and only when it matches.
        var fingerprint = Assert.Single(Keel.OpenPgp.OpenPgpKeyRing.Load(key).PrimaryFingerprints);
        (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repo", TestPaths.FixtureRepo, "--repo-key-fingerprint", fingerprint, "--cache", cache, "--dest", Path.Combine(_dir, "pinned"), "podman");
        Assert.True(exit == 0, stderr);
        (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repo", TestPaths.FixtureRepo, "--repo-key-fingerprint", new string('0', 40), "--cache", cache, "--dest", Path.Combine(_dir, "wrong"), "podman");
        Assert.Equal(1, exit);
        Assert.Contains("is not the pinned 0000", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repo", TestPaths.FixtureRepo, "--nogpgcheck", "--cache", cache, "--dest", Path.Combine(_dir, "off"), "podman");
        Assert.True(exit == 0, stderr);
        Assert.Contains("warning: --nogpgcheck", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_signed_by_another_key_is_refused_and_not_left_behind()
    {
        var repoFile = WriteRepoFile(TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub"));
        var dest = Path.Combine(_dir, "out");
        var (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repofile", repoFile, "--cache", Path.Combine(_dir, "cache"), "--dest", dest, "podman");
        Assert.Equal(1, exit);
        Assert.Contains("podman", stderr, StringComparison.Ordinal);
        Assert.Contains("signature", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFiles(dest, "*.rpm", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_package_reused_from_the_cache_is_checked_against_this_runs_keys()
    {
        var cache = Path.Combine(_dir, "cache");
        var good = WriteRepoFile(Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture"));
        var (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repofile", good, "--cache", cache, "--dest", Path.Combine(_dir, "first"), "podman");
        Assert.True(exit == 0, stderr);

        // Same cache, but now the repository trusts another key: the cached file must not be taken on its checksum alone.
        var wrong = WriteRepoFile(TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub"));
        var dest = Path.Combine(_dir, "second");
        (exit, _, stderr) = await CliRunner.RunAsync("repo", "download", "--repofile", wrong, "--cache", cache, "--dest", dest, "podman");
        Assert.Equal(1, exit);
        Assert.Contains("signature", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFiles(dest, "*.rpm", SearchOption.AllDirectories).Any());
    }
}
