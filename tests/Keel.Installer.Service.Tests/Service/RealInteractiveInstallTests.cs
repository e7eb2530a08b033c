using System.Diagnostics;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Installer.Api;
using Keel.Installer.Service.Hosting;
using Keel.Installer.Service.Probes;
using Keel.Installer.Service.Session;
using Keel.Media;
using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>
/// An interactive install for real, as root on this host: the session over its socket, a loop device as the machine's
/// only disk, the fixture repository as the medium's. The engine runs as the unattended installer runs it (install
/// record, log, boot entry); the finish screen's host keys are the disk's, and the saved config keeps the hash only.
/// </summary>
public sealed class RealInteractiveInstallTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("keel-interactive-real").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task Installs_the_minimal_preset_onto_a_loop_device_and_finishes_with_the_disk_s_host_keys()
    {
        using var loop = new LoopDevice(Path.Combine(_state, "disk"), 3091L << 20);
        var power = new RecordingPower();
        var options = new InstallerSessionOptions
        {
            Probe = new LoopProbe(loop.Device),
            Info = new MediumInfo { Name = "Keel fixture", Distribution = "fixture", RepositoryId = "keel-fixture" },
            RepositoryDirectory = TestPaths.FixtureRepo,
            Installer = new InstallerOptions { StateDirectory = _state, EfiVariables = Path.Combine(_state, "no-efivars"), AllowPowerActions = false },
            Presets = PresetCatalog.CreateDefault(),
            Power = power,
            WorkDirectory = Path.Combine(_state, "session"),
        };
        using var session = new InstallerSession(options);
        await using var host = await InstallerServiceHost.StartAsync(session, Path.Combine(_state, "installer.sock"), default);
        using var client = InstallerApiClient.ForSocket(host.Socket);

        Assert.True((await client.UpdateNetworkAsync(new NetworkSettings("interactive-1"), default)).Ok);
        Assert.Empty((await client.UpdatePackagesAsync(new PackageSettings("minimal", [], []), default)).Errors);
        Assert.Empty((await client.UpdateStorageAsync(new StorageSettings(loop.Device, LayoutMode.Guided, false), default)).Errors);
        Assert.True((await client.UpdateUsersAsync(new UserSettings(true, "admin", ServiceUnderTest.Password, ServiceUnderTest.Password, [TestKeys.Ed25519]), default)).Ok);
        var review = await client.ReviewAsync(default);
        Assert.True(review.Ready, string.Join("; ", review.Blockers));
        Assert.Contains(review.Operations, o => o.Device == loop.Device && o.Step == "storage.partition");

        var started = await client.StartInstallAsync(new InstallRequest(review.Fingerprint!), default);
        var events = new List<InstallEvent>();
        var watch = Stopwatch.StartNew();
        EventPage page;
        do
        {
            page = await client.GetEventsAsync(events.Count == 0 ? 0 : events[^1].Id, TimeSpan.FromSeconds(30), default);
            events.AddRange(page.Events);
        }
        while (page.Phase == SessionPhase.Installing && watch.Elapsed < TimeSpan.FromMinutes(15));

        foreach (var e in events)
        {
            output.WriteLine($"{e.Id} {e.Kind} {e.Step} {e.Message}");
        }

        var finish = await client.GetFinishAsync(default);
        Assert.True(finish.Succeeded, finish.Message);
        Assert.Equal(SessionPhase.Finished, page.Phase);
        Assert.Equal(started.Steps.Select(s => s.Id), events.Where(e => e.Kind == InstallEventKind.StepStarted).Select(e => e.Step));
        Assert.Matches(@"^installed \d+ packages onto " + loop.Device, finish.Message);
        Assert.Equal(InstallRecord.ConfigPath, finish.ConfigPath);
        Assert.Equal(InstallRecord.LogPath, finish.LogPath);
        Assert.Contains(finish.HostKeys, k => k.StartsWith("ED25519 SHA256:", StringComparison.Ordinal));
        Assert.Empty(power.Actions);

        var root = Path.Combine(_state, "root");
        Directory.CreateDirectory(root);
        LoopDevice.Run("partx", "-u", loop.Device);
        LoopDevice.Run("mount", "-o", "ro,noload", "-t", "ext4", loop.Partition(2), root);
        try
        {
            var saved = File.ReadAllText(Path.Combine(root, "root", "keel-install.yaml"));
            Assert.Contains("# Kept: users[admin].passwordHash", saved, StringComparison.Ordinal);
            Assert.Contains("$6$", saved, StringComparison.Ordinal);
            Assert.DoesNotContain(ServiceUnderTest.Password, saved, StringComparison.Ordinal);
            Assert.Equal("interactive-1", File.ReadAllText(Path.Combine(root, "etc", "hostname")).Trim());
            var ed25519 = File.ReadAllText(Path.Combine(root, "etc", "ssh", "ssh_host_ed25519_key.pub"));
            Assert.Contains("ED25519 " + Keel.Install.Steps.InstallRecordStep.Fingerprint(ed25519), finish.HostKeys);
            Assert.Contains(TestKeys.Ed25519, File.ReadAllText(Path.Combine(root, "home", "admin", ".ssh", "authorized_keys")), StringComparison.Ordinal);
        }
        finally
        {
            LoopDevice.Run("umount", root);
        }
    }

    // The machine is one loop device; nothing removable.
    private sealed class LoopProbe(string device) : IMachineProbe
    {
        public bool DryRun => false;

        public Task<MachineFacts> GetFactsAsync(StorageConfig? layout, CancellationToken cancellationToken)
        {
            var size = long.Parse(File.ReadAllText($"/sys/class/block/{Path.GetFileName(device)}/size").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;
            var refusals = layout is not null && size < DiskLister.MinimumBytes(layout) ? new[] { "too small" } : [];
            return Task.FromResult(new MachineFacts([new DiskFacts(device, null, "loop device", size, false, "loop", [], null, refusals)], [], [], null));
        }

        public Task<IReadOnlyList<FoundKey>> FindKeysAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<FoundKey>>([]);

        public Task<string> SaveToVolumeAsync(string device, string fileName, string content, CancellationToken cancellationToken) =>
            throw new IOException("no removable volume");

        public Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken) => Task.FromResult(new ApplyResult(false, "not here"));
    }
}
