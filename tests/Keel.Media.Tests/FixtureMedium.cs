using Keel.Cli;
using Keel.Config.Presets;
using Keel.Tests;

namespace Keel.Media.Tests;

/// <summary>
/// The fixture's signing key as the user's keyring (GNUPGHOME), for every test of the media commands: keel media build
/// signs with gpg, which reads GNUPGHOME like any user's build would. The tests of this collection run one at a time.
/// </summary>
public sealed class FixtureSigningKey : IDisposable
{
    /// <summary>The fixture's key id (tests/fixture-distro makes one RSA key per repository).</summary>
    public const string KeySpec = "fixture@keel.invalid";

    private readonly GpgTestHome _home = new(Path.Combine(TestPaths.FixtureRepo, ".keel-build", "gnupg"));

    public FixtureSigningKey() => Environment.SetEnvironmentVariable("GNUPGHOME", _home.Dir);

    public string PublicKey => Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("GNUPGHOME", null);
        _home.Dispose();
    }
}

[CollectionDefinition("media-cli")]
public sealed class MediaCliCollection : ICollectionFixture<FixtureSigningKey>;

/// <summary>A medium document for the fixture written into a scratch directory, with absolute repository paths.</summary>
internal static class FixtureMedium
{
    /// <summary>
    /// The live preset: the fixture's `live` once tests/fixture-distro has it (with keel from the agent repository);
    /// until then fixture/live-available.yaml, the live packages every fixture repository has.
    /// </summary>
    public static string LivePreset { get; } = FixtureHasLive && AgentRepoHasKeel()
        ? "live"
        : Path.Combine(AppContext.BaseDirectory, "fixture", "live-available.yaml");

    /// <summary>
    /// Whether the fixture has its live support (the `live` preset and a dracut with dmsquash-live, which come together):
    /// then the tests build the default squashfs medium; before, an initramfs one, which any fixture kernel boots.
    /// </summary>
    public static bool FixtureHasLive { get; } = PresetCatalog.CreateDefault().FindPreset("fixture", "live") is not null;

    public static string AgentRepo { get; } = Environment.GetEnvironmentVariable("KEEL_AGENT_REPO") ?? Path.Combine(TestPaths.RepoRoot, ".work", "agent-repo");

    /// <summary>Writes the document; <paramref name="extra"/> is YAML appended at the top level.</summary>
    public static string Write(string directory, string liveRoot = "squashfs", string presets = "[minimal, container-host, developer-workstation]",
        string repository = "", string extra = "")
    {
        var repo = TestPaths.FixtureRepo;
        var carried = repository.Length > 0 ? repository : $"""
              - id: keel-fixture
                path: {repo}
                gpgkeys: [{repo}/RPM-GPG-KEY-keel-fixture]
                gpgcheck: true
                repoGpgcheck: true
            """;
        var text = $"""
            apiVersion: keel/v1
            kind: Medium
            distribution: fixture
            name: Keel fixture installer (test)
            volumeLabel: KEEL_TEST
            presets: {presets}
            repositories:
            {carried}
            live:
              preset: {LivePreset}
              repositories:
                - id: keel-agent
                  path: {AgentRepo}
                  gpgcheck: false
              root: {liveRoot}
              kernelCommandLine: console=ttyS0
            seed: keel-media-test
            {extra}
            """;
        var path = Path.Combine(directory, "medium.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await KeelCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static bool AgentRepoHasKeel() =>
        Directory.Exists(Path.Combine(AgentRepo, "Packages")) && Directory.EnumerateFiles(Path.Combine(AgentRepo, "Packages"), "keel-[0-9]*.rpm", SearchOption.AllDirectories).Any();
}
