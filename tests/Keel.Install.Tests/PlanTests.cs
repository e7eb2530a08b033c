using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Install.Planning;
using Keel.Install.Steps;
using Keel.Tests;

namespace Keel.Install.Tests;

public class PlanTests
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;

    private static Plan PlanFor(string example, PlanTarget target)
    {
        var result = ConfigValidator.LoadAndValidate(Path.Combine(TestPaths.RepoRoot, "examples", example), PresetCatalog.CreateDefault());
        Assert.False(result.HasErrors);
        return Planner.Build(result.Config!, InstallFixtures.Request(result.Config!), target);
    }

    [Theory]
    [InlineData("fixture/minimal.yaml")]
    [InlineData("fixture/container-host.yaml")]
    [InlineData("fixture/developer-workstation.yaml")]
    [InlineData("azurelinux-4.0/container-host.yaml")]
    public void Image_plan_of_each_example_has_the_engine_steps_in_order(string example)
    {
        var plan = PlanFor(example, new PlanTarget(PlanTargetKind.Image, "/tmp/out.qcow2", 8 * GiB, Keel.Config.Model.ImageFormat.Qcow2));
        var ids = plan.Steps.Select(s => s.Id).ToList();
        // storage.encrypt needs encryption and install.record the live installer's record: neither applies here.
        Assert.Equal(InstallSteps.Ids.Where(id => id is not "storage.encrypt" and not "install.record"), ids);
        var ops = plan.Steps.SelectMany(s => s.Destructive).ToList();
        Assert.All(ops.Where(o => o.Kind != DestructiveKind.ReplaceFile), o => Assert.StartsWith("/tmp/out.qcow2.partial", o.Target));
        Assert.Contains(ops, o => o.Kind == DestructiveKind.ReplaceFile && o.Target == "/tmp/out.qcow2");
        Assert.Equal(2, ops.Count(o => o.Kind == DestructiveKind.Format));
    }

    [Fact]
    public void Default_layout_on_a_device_erases_it_and_sizes_the_partitions()
    {
        var plan = PlanFor("azurelinux-4.0/container-host.yaml", new PlanTarget(PlanTargetKind.Device, "/dev/nvme0n1", 16 * GiB, null));
        Assert.Equal("container-host", plan.Preset);
        Assert.DoesNotContain(plan.Steps, s => s.Id == "output.convert");
        var wipe = Assert.Single(plan.Steps.Single(s => s.Id == "storage.partition").Destructive, o => o.Kind == DestructiveKind.WipeDevice);
        Assert.Equal("/dev/nvme0n1", wipe.Target);
        Assert.Contains("all data", wipe.Description);

        // GPT: 1 MiB before the first partition, the backup GPT in the last (aligned-down) MiB.
        Assert.Equal(("/dev/nvme0n1p1", 1 * MiB, 512 * MiB), (plan.Partitions[0].Device, plan.Partitions[0].StartBytes, plan.Partitions[0].SizeBytes));
        Assert.Equal(("/dev/nvme0n1p2", 513 * MiB, (16 * 1024 - 1 - 1 - 512) * MiB), (plan.Partitions[1].Device, plan.Partitions[1].StartBytes, plan.Partitions[1].SizeBytes));
        Assert.Equal("4f68bce3-e8cd-4db1-96e7-fbcaf984b709", plan.Partitions[1].TypeGuid);
        Assert.Contains(plan.Steps.Single(s => s.Id == "system.ssh").Details, d => d == "host keys generated now");
    }

    [Fact]
    public void Full_example_places_fixed_percent_and_growing_partitions()
    {
        var plan = PlanFor("azurelinux-4.0/full.yaml", new PlanTarget(PlanTargetKind.Device, "/dev/sdb", 40 * GiB, null));
        var sizes = plan.Partitions.Select(p => p.SizeBytes / MiB).ToArray();
        // 512 + 1024 + 2048 + grow + 10% of 40 GiB (4096) + 8192; grow = 40960 - 2 (GPT) - the rest.
        Assert.Equal(new long[] { 512, 1024, 2048, 40960 - 2 - 512 - 1024 - 2048 - 4096 - 8192, 4096, 8192 }, sizes);
        Assert.Equal(new[] { "esp", "xbootldr", "swap", "root", "home", "var" }, plan.Partitions.Select(p => p.Role));
        Assert.Equal("/dev/sdb4", plan.Partitions[3].Device);
        Assert.Contains(plan.Messages, m => m.Text.Contains("'audit' is named 'auditd-al'", StringComparison.Ordinal));
        Assert.Contains(plan.Steps.Single(s => s.Id == "system.repositories").Details, d => d.StartsWith("/etc/yum.repos.d/vscode.repo", StringComparison.Ordinal));
        Assert.Contains("auditd-al", plan.Packages);
        Assert.DoesNotContain("valgrind", plan.Packages);
    }

    [Fact]
    public void Too_small_a_target_is_refused_with_the_sizes()
    {
        var ex = Assert.Throws<InvalidDataException>(() => PlanFor("azurelinux-4.0/full.yaml", new PlanTarget(PlanTargetKind.Device, "/dev/sdb", 10 * GiB, null)));
        Assert.StartsWith("/dev/sdb: the layout needs at least", ex.Message);
    }

    [Fact]
    public void Encrypted_root_adds_the_encrypt_step()
    {
        var yaml = "apiVersion: keel/v1\ndistribution: fixture\nstorage:\n  encryption:\n    passphrase: correct horse battery\n";
        var loaded = InstallFixtures.Parse(yaml, Path.GetTempPath());
        var diagnostics = ConfigValidator.Validate(loaded, PresetCatalog.CreateDefault());
        Assert.DoesNotContain(diagnostics, d => d.Severity == Severity.Error);
        Assert.Contains(diagnostics, d => d.Severity == Severity.Warning && d.Path == "storage.encryption.passphrase");
        var plan = Planner.Build(loaded, InstallFixtures.Request(loaded), new PlanTarget(PlanTargetKind.Device, "/dev/loop0", 4 * GiB, null));
        var encrypt = Assert.Single(plan.Steps.Single(s => s.Id == "storage.encrypt").Destructive);
        Assert.Equal("/dev/loop0p2", encrypt.Target);
        Assert.True(plan.Partitions[1].Encrypted);
    }

    [Fact]
    public void Plan_serializes_to_json_with_stable_ids()
    {
        var plan = PlanFor("fixture/minimal.yaml", new PlanTarget(PlanTargetKind.Image, "m.raw", 2 * GiB, Keel.Config.Model.ImageFormat.Raw));
        var json = System.Text.Json.JsonSerializer.Serialize(plan, PlanJsonContext.Default.Plan);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("storage.check", doc.RootElement.GetProperty("steps")[0].GetProperty("id").GetString());
        Assert.Equal("CreateFile", doc.RootElement.GetProperty("steps")[0].GetProperty("destructive")[0].GetProperty("kind").GetString());
    }
}
