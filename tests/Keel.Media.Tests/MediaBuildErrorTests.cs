namespace Keel.Media.Tests;

/// <summary>Bad input to keel media build: one clear line each, a non-zero exit, and nothing left in the output directory.</summary>
[Collection("media-cli")]
public sealed class MediaBuildErrorTests(FixtureSigningKey key) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-media-err-").FullName;

    private string Output => Path.Combine(_dir, "out", "installer.iso");

    [Fact]
    public async Task A_missing_preset_is_one_line_with_its_position()
    {
        var medium = FixtureMedium.Write(_dir, presets: "[minimal, container-hots]");
        var err = await FailsAsync(medium, "--signing-key", FixtureSigningKey.KeySpec);
        Assert.Contains("presets[1]: unknown preset 'container-hots'", err, StringComparison.Ordinal);
        Assert.Contains("container-host", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_package_names_it_before_anything_is_built()
    {
        var medium = FixtureMedium.Write(_dir, presets: "[minimal]", extra: "extraPackages: [no-such-package]");
        var err = await FailsAsync(medium, "--signing-key", FixtureSigningKey.KeySpec);
        Assert.Contains("no package matches 'no-such-package'", err, StringComparison.Ordinal);
        Assert.Contains("preset 'minimal'", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repository_without_signature_checks_is_refused()
    {
        var repo = Path.Combine(Path.GetTempPath(), "unused");
        var medium = FixtureMedium.Write(_dir, repository: $"""
              - id: plain
                path: {repo}
                gpgcheck: false
            """);
        var err = await FailsAsync(medium, "--signing-key", FixtureSigningKey.KeySpec);
        Assert.Contains("repository 'plain' is carried on the medium, so its packages and its repodata must be signed", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repository_whose_repodata_is_not_signed_is_refused()
    {
        // A copy of the fixture's metadata without repomd.xml.asc; the packages are not needed to get that far.
        var copy = Path.Combine(_dir, "unsigned-repo");
        Directory.CreateDirectory(Path.Combine(copy, "repodata"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Keel.Tests.TestPaths.FixtureRepo, "repodata")).Where(f => !f.EndsWith(".asc", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(copy, "repodata", Path.GetFileName(file)));
        }

        var medium = FixtureMedium.Write(_dir, presets: "[minimal]", repository: $"""
              - id: unsigned
                path: {copy}
                gpgkeys: [{key.PublicKey}]
                gpgcheck: true
                repoGpgcheck: true
            """);
        var err = await FailsAsync(medium, "--signing-key", FixtureSigningKey.KeySpec);
        Assert.Contains("repomd.xml", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signing_key_that_is_not_in_the_keyring_is_one_line()
    {
        var err = await FailsAsync(FixtureMedium.Write(_dir), "--signing-key", "DEADBEEFDEADBEEF");
        Assert.Contains("--signing-key DEADBEEFDEADBEEF: no secret key 'DEADBEEFDEADBEEF' in the gpg keyring", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_signing_key_is_refused()
    {
        var err = await FailsAsync(FixtureMedium.Write(_dir));
        Assert.Contains("a medium that cannot verify itself is not a medium", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_that_is_a_directory_is_refused()
    {
        Directory.CreateDirectory(Output);
        var (exit, _, err) = await FixtureMedium.RunAsync("media", "build", FixtureMedium.Write(_dir), "-o", Output, "--signing-key", FixtureSigningKey.KeySpec, "--progress", "plain");
        Assert.NotEqual(0, exit);
        Assert.Contains($"-o {Output}: is a directory", err, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Output));
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(Output)!));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Runs the build expecting failure: non-zero exit, one "keel:" line, and an empty output directory.
    private async Task<string> FailsAsync(string medium, params string[] more)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Output)!);
        var (exit, _, err) = await FixtureMedium.RunAsync(["media", "build", medium, "-o", Output, "--progress", "plain", .. more]);
        Assert.NotEqual(0, exit);
        var keelLines = err.Split('\n').Where(l => l.StartsWith("keel: ", StringComparison.Ordinal)).ToList();
        Assert.Single(keelLines);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(Output)!));
        return err;
    }
}
