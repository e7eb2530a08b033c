using Keel.Agent;
using Keel.Provisioning.Datasources;
using Keel.Provisioning.Engine;
using Keel.Provisioning.Tests.Azure;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>Datasource detection in datasource_list order: NoCloud, ConfigDrive, Azure, None.</summary>
public sealed class DatasourceSelectionTests
{
    private static AgentStatus Detect(TestRoot t, DatasourceSettings settings) =>
        new Provisioner(t.Root, new ProvisioningOptions { BootId = "b1" }, TextWriter.Null).RunDetected(settings, CancellationToken.None);

    private static string MakeConfigDrive(TestRoot t)
    {
        var dir = Path.Combine(t.Base, "config-2");
        Directory.CreateDirectory(Path.Combine(dir, "openstack/latest"));
        File.WriteAllText(Path.Combine(dir, ConfigDrive.MetaDataPath), """
            {"uuid": "83679162-1378-4288-a2d4-70e13ec132aa", "hostname": "cd-host.novalocal", "name": "cd-host",
             "public_keys": {"mykey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICd cd@example"}}
            """);
        File.WriteAllText(Path.Combine(dir, "openstack/latest/user_data"), "#cloud-config\nusers: [default]\nruncmd: [[echo, hi]]\n");
        File.WriteAllText(Path.Combine(dir, "openstack/latest/vendor_data.json"), """{"cloud-init": "#cloud-config\ntimezone: Etc/UTC\n"}""");
        return dir;
    }

    [Fact]
    public void Config_drive_is_read_from_a_directory()
    {
        using var t = new TestRoot();
        var drive = MakeConfigDrive(t);
        var status = Detect(t, new DatasourceSettings { ConfigDrive = drive, ChassisAssetTagFile = "/nonexistent" });
        Assert.Equal("ConfigDrive", status.Datasource);
        Assert.Equal("83679162-1378-4288-a2d4-70e13ec132aa", status.InstanceId);
        Assert.Equal("cd-host\n", t["/etc/hostname"]);
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICd cd@example\n", t["/home/keel/.ssh/authorized_keys"]);
        Assert.Contains("timezone: Etc/UTC", t.Root.ReadAllTextOrNull("/var/lib/cloud/instance/vendor-data.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public void Order_comes_from_datasource_list_and_None_is_the_fallback()
    {
        using var t = new TestRoot();
        var drive = MakeConfigDrive(t);
        t.Seed("#cloud-config\nhostname: from-seed\n");
        Directory.CreateDirectory(t.Host("/var/lib/cloud/seed"));
        Directory.Move(t.SeedPath, t.Host("/var/lib/cloud/seed/nocloud"));

        // Default order: the seed in the root wins over the config drive.
        Assert.Equal("NoCloud", Detect(t, new DatasourceSettings { ConfigDrive = drive, ChassisAssetTagFile = "/nonexistent" }).Datasource);

        // The root's cloud.cfg.d puts ConfigDrive first.
        Directory.CreateDirectory(t.Host("/etc/cloud/cloud.cfg.d"));
        File.WriteAllText(t.Host("/etc/cloud/cloud.cfg"), "users: [default]\nsystem_info: {default_user: {name: cloud}}\n");
        File.WriteAllText(t.Host("/etc/cloud/cloud.cfg.d/90-ds.cfg"), "datasource_list: [ConfigDrive, NoCloud, None]\n");
        Provisioner.Clean(t.Root);
        Assert.Equal("ConfigDrive", Detect(t, new DatasourceSettings { ConfigDrive = drive }).Datasource);

        // Nothing detected: None runs the system config alone.
        Provisioner.Clean(t.Root);
        Directory.Delete(t.Host("/var/lib/cloud/seed/nocloud"), recursive: true);
        var none = Detect(t, new DatasourceSettings { ChassisAssetTagFile = "/nonexistent" });
        Assert.Equal("None", none.Datasource);
        Assert.Equal(DatasourceSelector.NoneInstanceId, none.InstanceId);
        Assert.Contains("cloud:x:", t["/etc/passwd"], StringComparison.Ordinal);

        // A list without None and nothing found is a datasource error, and an unknown name is one too.
        Provisioner.Clean(t.Root);
        var nothing = Detect(t, new DatasourceSettings { List = ["ConfigDrive", "Azure"], ChassisAssetTagFile = "/nonexistent" });
        Assert.Equal("error", nothing.Status);
        Assert.Equal("no datasource found (tried ConfigDrive, Azure)", nothing.Errors.Single().Message);
        Assert.Contains("'Ec2'", Detect(t, new DatasourceSettings { List = ["Ec2"] }).Errors.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_is_detected_by_chassis_asset_tag()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        emu.Script("imds", AzureEmulator.ImdsFixture(TestPaths.Oracle("azure-init-HEAD", "testinit", "testing-server", "api-responses", "imds", "two-bad-then-success.json"))[2]);
        emu.Script("health-json", new Scripted(200, ""));
        var tag = Path.Combine(t.Base, "chassis_asset_tag");
        File.WriteAllText(tag, DatasourceSelector.AzureChassisAssetTag + "\n");
        var status = Detect(t, new DatasourceSettings { ChassisAssetTagFile = tag, Azure = new() { Imds = emu.BaseUri, Wireserver = emu.BaseUri } });
        Assert.Equal("Azure", status.Datasource);
        Assert.Equal("Ready (json)", status.ReadyReport);
        Assert.Equal(1, emu.Count("health-json"));
    }

    [Fact]
    public async Task Cli_runs_azure_against_loopback_and_status_shows_the_report()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        emu.Script("imds", new Scripted(200, "", Hang: true));
        emu.Script("health-json", new Scripted(500, ""));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await AgentCli.RunAsync(["run", "--root", t.RootPath, "--imds", emu.BaseUri.ToString(), "--wireserver", emu.BaseUri.ToString(), "--azure-report", "json", "--azure-timeout", "0.5"], stdout, stderr);
        Assert.Equal(1, code);
        Assert.Contains("keel-agent: error: datasource: ", stderr.ToString(), StringComparison.Ordinal);

        using var statusOut = new StringWriter();
        Assert.Equal(1, await AgentCli.RunAsync(["status", "--root", t.RootPath], statusOut, TextWriter.Null));
        using var json = System.Text.Json.JsonDocument.Parse(statusOut.ToString());
        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("NotReady not delivered", json.RootElement.GetProperty("ready_report").GetString());
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Contains(errors, e => e.Contains("/metadata/instance", StringComparison.Ordinal) && e.Contains("timed out", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/provisioning/health", StringComparison.Ordinal) && e.Contains("last: HTTP 500", StringComparison.Ordinal));
    }
}
