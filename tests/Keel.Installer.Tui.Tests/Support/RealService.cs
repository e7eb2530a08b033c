using Keel.Config.Presets;
using Keel.Installer;
using Keel.Installer.Api;
using Keel.Installer.Service.Hosting;
using Keel.Installer.Service.Probes;
using Keel.Installer.Service.Session;
using Keel.Media;
using Keel.Tests;

namespace Keel.Installer.Tui.Tests.Support;

/// <summary>
/// The real installer service in dry-run, as `keel installer --dry-run --profile FILE --repo DIR` runs it: a shipped
/// machine profile and the fixture repository; in-process, or over its unix socket with the real client.
/// </summary>
internal sealed class RealService : IAsyncDisposable
{
    private readonly string directory;
    private readonly InstallerSession session;
    private readonly InstallerServiceHost? host;
    private readonly InstallerApiClient? client;

    private RealService(string directory, InstallerSession session, InstallerServiceHost? host, RecordedPower power)
    {
        this.directory = directory;
        this.session = session;
        this.host = host;
        Power = power;
        client = host is null ? null : InstallerApiClient.ForSocket(host.Socket);
    }

    /// <summary>What the UI talks to: the session itself, or the socket client.</summary>
    public IInstallerApi Api => (IInstallerApi?)client ?? session;

    public InstallerSession Session => session;

    public RecordedPower Power { get; }

    public string Directory => directory;

    public static string Profile(string name) => Path.Combine(TestPaths.RepoRoot, "examples", "installer-profiles", name + ".json");

    public static async Task<RealService> StartAsync(string profile, bool overSocket = false)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("keel-installer-tui").FullName;
        var power = new RecordedPower();
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
            DryRunStepDelay = TimeSpan.FromMilliseconds(5),
        };
        var session = new InstallerSession(options);
        InstallerServiceHost? host = overSocket
            ? await InstallerServiceHost.StartAsync(session, Path.Combine(directory, "run", "installer.sock"), default)
            : null;
        return new RealService(directory, session, host, power);
    }

    public async ValueTask DisposeAsync()
    {
        client?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }
        session.Dispose();
        System.IO.Directory.Delete(directory, recursive: true);
    }
}

/// <summary>Power actions asked for, never done to the host.</summary>
internal sealed class RecordedPower : IPowerControl
{
    public List<string> Actions { get; } = [];

    public void Reboot() => Actions.Add("reboot");

    public void PowerOff() => Actions.Add("poweroff");
}
