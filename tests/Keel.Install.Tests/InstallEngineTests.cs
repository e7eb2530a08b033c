using Keel.Config.Loading;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Install.Steps;
using Keel.Progress;
using Keel.Tests;

namespace Keel.Install.Tests;

/// <summary>The engine runs the plan it was given, step objects in plan order, and refuses a plan whose inputs changed.</summary>
public sealed class InstallEngineTests : IDisposable
{
    private readonly string _dir = InstallFixtures.ScratchPath("engine");

    public InstallEngineTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => InstallFixtures.DeleteQuietly(_dir);

    private sealed class Recorder : IProgress<EngineEvent>
    {
        public List<EngineEvent> Events { get; } = [];

        public void Report(EngineEvent value) => Events.Add(value);
    }

    private string WriteConfig(string extra = "")
    {
        var path = Path.Combine(_dir, "config.yaml");
        File.WriteAllText(path, $"""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            repositories:
              - id: r
                path: {Path.Combine(_dir, "no-repo")}
                gpgcheck: false
            {extra}
            """);
        return path;
    }

    private static LoadedConfig Load(string path)
    {
        var result = ConfigValidator.LoadAndValidate(path, Keel.Config.Presets.PresetCatalog.CreateDefault());
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    [Fact]
    public void Every_step_id_is_unique_and_a_plan_keeps_the_list_order()
    {
        Assert.Equal(InstallSteps.Ids.Count, InstallSteps.Ids.Distinct(StringComparer.Ordinal).Count());
        var loaded = Load(WriteConfig());
        var plan = new InstallEngine().PlanImage(loaded, InstallFixtures.Request(loaded), Path.Combine(_dir, "out.raw"));
        Assert.Equal(plan.Steps.Select(s => s.Id), plan.Actions.Select(a => a.Id));
        Assert.Equal(InstallSteps.Ids.Where(plan.Steps.Select(s => s.Id).Contains), plan.Steps.Select(s => s.Id));
        Assert.DoesNotContain("storage.encrypt", plan.Steps.Select(s => s.Id));
    }

    [Fact]
    public void Decisions_are_made_once_in_the_plan()
    {
        var loaded = Load(WriteConfig("""
            users:
              - name: alice
                sudo: true
                groups: [ops]
            groups:
              - name: ops
            """));
        var request = InstallFixtures.Request(loaded);
        var image = new InstallEngine().PlanImage(loaded, request, Path.Combine(_dir, "out.raw"));
        Assert.Equal(Keel.Config.Model.HostKeyGeneration.FirstBoot, image.Settings.HostKeys);
        Assert.False(image.Settings.GenerateMachineId);
        Assert.Equal(["ops", "wheel"], image.Settings.Users.Single().Groups);
        Assert.Contains(image.Steps.Single(s => s.Id == "system.users").Details, d => d.Contains("groups [ops, wheel]", StringComparison.Ordinal));
        Assert.Equal([.. request.Preset.SystemRepositories, .. loaded.Config.SystemRepositories], image.Settings.SystemRepositories);
        Assert.Equal("/boot/efi", image.Settings.EspMountPoint);
    }

    [Fact]
    public async Task Files_run_before_services_so_a_unit_written_by_files_can_be_enabled()
    {
        var loaded = Load(WriteConfig("""
            files:
              - path: /etc/systemd/system/x.service
                content: "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
            services:
              enable: [x.service]
            """));
        var output = Path.Combine(_dir, "out.raw");
        var plan = new InstallEngine().PlanImage(loaded, InstallFixtures.Request(loaded), output);
        using var run = new InstallRun(plan, new EngineOptions { SourceDateEpoch = 1735689600 }, new EngineSteps(null)) { Work = WorkArea.Create(output) };
        Directory.CreateDirectory(Path.Combine(run.RootPath, "etc"));
        File.WriteAllText(Path.Combine(run.RootPath, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(Path.Combine(run.RootPath, "etc/group"), "root:x:0:\n");

        // The two steps run in the plan's order, as the engine runs them.
        foreach (var step in plan.Actions.Where(a => a.Id is "system.files" or "system.services"))
        {
            run.StepId = step.Id;
            await step.RunAsync(run, CancellationToken.None);
        }

        var link = new FileInfo(Path.Combine(run.RootPath, "etc/systemd/system/multi-user.target.wants/x.service"));
        Assert.Equal("/etc/systemd/system/x.service", link.LinkTarget);
    }

    [Fact]
    public async Task A_config_changed_after_planning_is_refused_as_plan_stale_and_nothing_is_written()
    {
        var config = WriteConfig();
        var loaded = Load(config);
        var output = Path.Combine(_dir, "out.qcow2");
        var engine = new InstallEngine();
        var plan = engine.PlanImage(loaded, InstallFixtures.Request(loaded), output);

        File.AppendAllText(config, "hostname: changed\n");
        var events = new Recorder();
        var ex = await Assert.ThrowsAsync<PlanStaleException>(() => engine.ExecuteAsync(plan, events));

        Assert.Equal(ReasonCodes.PlanStale, ex.Reason);
        Assert.Equal([$"config {config}"], ex.Changed);
        Assert.StartsWith($"config {config}: changed since the plan was made", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["plan", "step-started", "step-failed"], events.Events.Select(e => e.Type));
        var failed = Assert.IsType<StepFailedEvent>(events.Events[^1]);
        Assert.Equal(("storage.check", ReasonCodes.PlanStale), (failed.StepId, failed.Reason));
        Assert.Equal(["config.yaml"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_device_partitioned_after_planning_is_refused_as_plan_stale_and_left_as_it_is()
    {
        using var loop = new LoopDevice(Path.Combine(_dir, "disk"), 3L << 30);
        var loaded = Load(WriteConfig());
        var engine = new InstallEngine();
        var plan = engine.PlanDevice(loaded, InstallFixtures.Request(loaded), loop.Device);
        Assert.Contains(plan.Fingerprint.Items, i => i.What == $"device {loop.Device} partition table");

        LoopDevice.Run("sgdisk", "-n", "1:0:+16M", loop.Device);
        var table = Head(loop.BackingFile);
        var ex = await Assert.ThrowsAsync<PlanStaleException>(() => engine.ExecuteAsync(plan));

        Assert.Equal([$"device {loop.Device} partition table"], ex.Changed);
        Assert.Equal(table, Head(loop.BackingFile));
    }

    [Fact]
    public void A_4K_sector_device_is_refused_at_plan_time_as_target_refused()
    {
        var backing = Path.Combine(_dir, "disk4k");
        using (var f = File.Create(backing))
        {
            f.SetLength(3L << 30);
        }

        var device = LoopDevice.Run("losetup", "--find", "--show", "--sector-size", "4096", backing).Trim();
        try
        {
            var loaded = Load(WriteConfig());
            var ex = Assert.Throws<InstallTargetException>(() => new InstallEngine().PlanDevice(loaded, InstallFixtures.Request(loaded), device));
            Assert.Equal(ReasonCodes.TargetRefused, ExitCodes.ReasonFor(ex));
            Assert.Equal(TargetRefusal.SectorSize, Assert.Single(ex.Reasons).Code);
            Assert.Equal($"{device}: logical sector size 4096 is not supported (only 512-byte sectors)", ex.Message);
        }
        finally
        {
            LoopDevice.Run("losetup", "-d", device);
        }
    }

    // The protective MBR and the primary GPT.
    private static byte[] Head(string file)
    {
        using var f = File.OpenRead(file);
        var head = new byte[34 * 512];
        f.ReadExactly(head);
        return head;
    }
}
