using Keel.Config.Presets;
using Keel.Installer.Api;
using Keel.Installer.Service.Hosting;
using Keel.Installer.Service.Probes;
using Keel.Installer.Service.Session;
using Keel.Media;
using Keel.Tests;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>
/// The installer service in dry-run as a client meets it: a session on a shipped machine profile with the fixture
/// repository standing in for the medium's, served on a real unix socket in a temp directory, and a client for it.
/// </summary>
internal sealed class ServiceUnderTest : IAsyncDisposable
{
    private ServiceUnderTest(string directory, InstallerSession session, InstallerServiceHost host, RecordingPower power)
    {
        Directory = directory;
        Session = session;
        Host = host;
        Power = power;
        Client = InstallerApiClient.ForSocket(host.Socket);
    }

    public string Directory { get; }

    public InstallerSession Session { get; }

    public InstallerServiceHost Host { get; }

    public RecordingPower Power { get; }

    public InstallerApiClient Client { get; }

    /// <summary>The shipped profile <paramref name="name"/> (examples/installer-profiles/NAME.json).</summary>
    public static string Profile(string name) => Path.Combine(TestPaths.RepoRoot, "examples", "installer-profiles", name + ".json");

    public static async Task<ServiceUnderTest> StartAsync(string profile = "one-disk", IReadOnlyList<string>? consoleArguments = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("keel-installer-service").FullName;
        var power = new RecordingPower();
        var options = new InstallerSessionOptions
        {
            DryRun = true,
            Probe = new ProfileMachineProbe(Profile(profile), Path.Combine(directory, "scratch")),
            Info = new MediumInfo { Name = "Keel fixture", Distribution = "fixture", RepositoryId = "keel-fixture", Presets = ["container-host"] },
            RepositoryDirectory = TestPaths.FixtureRepo,
            Presets = PresetCatalog.CreateDefault(),
            Power = power,
            WorkDirectory = Path.Combine(directory, "session"),
            Cache = new Keel.Repository.Cache.KeelCache(Path.Combine(directory, "cache")),
            DryRunStepDelay = TimeSpan.Zero,
            ConsoleArguments = consoleArguments ?? [],
        };
        var session = new InstallerSession(options);
        var host = await InstallerServiceHost.StartAsync(session, Path.Combine(directory, "run", "installer.sock"), default);
        return new ServiceUnderTest(directory, session, host, power);
    }

    /// <summary>A session every section of which is valid: guided layout on the profile's first disk, an administrator with a password.</summary>
    public async Task MakeReadyAsync(string disk = "/dev/vda")
    {
        Assert.True((await Client.UpdateRegionalAsync(new RegionalSettings("en_US.UTF-8", "de", "Europe/Berlin"), default)).Ok);
        Assert.True((await Client.UpdateNetworkAsync(new NetworkSettings("node-1"), default)).Ok);
        Assert.Empty((await Client.UpdatePackagesAsync(new PackageSettings("minimal", [], []), default)).Errors);
        Assert.Empty((await Client.UpdateStorageAsync(new StorageSettings(disk, LayoutMode.Guided, false), default)).Errors);
        Assert.True((await Client.UpdateUsersAsync(new UserSettings(true, "admin", Password, Password, []), default)).Ok);
    }

    public const string Password = "correct horse battery";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        Session.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>Power actions asked for, never done.</summary>
internal sealed class RecordingPower : IPowerControl
{
    public List<string> Actions { get; } = [];

    public void Reboot() => Actions.Add("reboot");

    public void PowerOff() => Actions.Add("poweroff");
}
