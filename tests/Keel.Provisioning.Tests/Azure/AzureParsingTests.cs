using System.Text.Json;
using System.Xml.Linq;
using Keel.Provisioning.Datasources.Azure;
using Keel.Tests;

namespace Keel.Provisioning.Tests.Azure;

/// <summary>The Azure documents from WALinuxAgent's and azure-init's test data, parsed in place.</summary>
public sealed class AzureParsingTests
{
    private static string Wala(params string[] parts) => TestPaths.Oracle(["WALinuxAgent-HEAD", "tests", "data", .. parts]);

    [Fact]
    public void Ovf_env_sample_gives_host_user_keys_and_custom_data()
    {
        var ovf = OvfEnvironment.ReadDirectory(Wala())!;
        Assert.Equal("HostName", ovf.HostName);
        Assert.Equal("UserName", ovf.UserName);
        Assert.True(ovf.HasUserPassword);
        Assert.False(ovf.DisableSshPasswordAuthentication);
        Assert.Equal(["ssh-rsa AAAANOTAREALKEY== foo@bar.local"], ovf.PublicKeys);
        Assert.Equal("CustomData", ovf.CustomData);
        Assert.False(ovf.ProvisionGuestAgent);

        // "CustomData" is ten base64 characters, not a whole number of quads: cloud-init's b64decode rejects it too.
        var ex = Assert.Throws<InvalidDataException>(() => ovf.DecodeCustomData("ovf-env.xml CustomData"));
        Assert.Contains("ovf-env.xml CustomData", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ovf-env-2.xml", true)]
    [InlineData("ovf-env-3.xml", null)]
    [InlineData("ovf-env-4.xml", null)]
    public void Ovf_env_variants_read_ProvisionGuestAgent(string file, bool? expected)
    {
        var ovf = OvfEnvironment.Parse(File.ReadAllText(Wala(file)), file);
        Assert.Equal(expected, ovf.ProvisionGuestAgent);
        Assert.Equal("UserName", ovf.UserName);
    }

    [Fact]
    public void Ovf_env_with_a_dtd_or_without_a_provisioning_section_is_refused()
    {
        var dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><Environment>&e;</Environment>";
        Assert.Contains("malformed ovf-env.xml", Assert.Throws<InvalidDataException>(() => OvfEnvironment.Parse(dtd, "evil.xml")).Message, StringComparison.Ordinal);
        var goal = File.ReadAllText(Wala("wire", "goal_state.xml"));
        Assert.Contains("no LinuxProvisioningConfigurationSet", Assert.Throws<InvalidDataException>(() => OvfEnvironment.Parse(goal, "g.xml")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Imds_documents_parse()
    {
        var fixture = TestPaths.Oracle("azure-init-HEAD", "testinit", "testing-server", "api-responses", "imds", "two-bad-then-success.json");
        var body = AzureEmulator.ImdsFixture(fixture)[2].Body;
        var imds = ImdsInstance.Parse(body, "imds");
        using var doc = JsonDocument.Parse(body);
        var compute = doc.RootElement.GetProperty("compute");
        Assert.Equal(compute.GetProperty("vmId").GetString(), imds.VmId);
        Assert.Equal("temp-vm", imds.ComputerName);
        Assert.Equal("azureuser", imds.AdminUsername);
        Assert.True(imds.DisablePasswordAuthentication);
        Assert.Equal([compute.GetProperty("publicKeys")[0].GetProperty("keyData").GetString()!.Trim()], imds.PublicKeys);
        Assert.Null(imds.CustomData);
        Assert.Null(imds.UserData);

        var valid = ImdsInstance.Parse(File.ReadAllText(Wala("imds", "valid.json")), "valid.json");
        Assert.Equal("e7fdbfc4-2deb-4a4e-8615-ea6aaf50162e", valid.VmId);
        Assert.Equal("health", valid.ComputerName);
        Assert.Null(valid.AdminUsername);
        var unicode = ImdsInstance.Parse(File.ReadAllText(Wala("imds", "unicode.json")), "unicode.json");
        Assert.Equal("héalth", unicode.ComputerName);
        Assert.StartsWith("é7fdbfc4", unicode.VmId, StringComparison.Ordinal);

        Assert.Contains("no 'compute'", Assert.Throws<InvalidDataException>(() => ImdsInstance.Parse("""{"error": "x"}""", "imds")).Message, StringComparison.Ordinal);
        Assert.Contains("malformed IMDS JSON", Assert.Throws<InvalidDataException>(() => ImdsInstance.Parse("{\"compute\": ", "imds")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Goal_state_parses_and_health_reports_have_azures_shape()
    {
        var gs = GoalState.Parse(File.ReadAllText(Wala("wire", "goal_state.xml")), "goal_state.xml");
        Assert.Equal(new GoalState("1", "c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2", "b61f93d0-e1ed-40b2-b067-22c243233448.MachineRole_IN_0"), gs);
        Assert.Equal("1", GoalState.Parse(File.ReadAllText(Wala("wire", "goal_state_remote_access.xml")), "ra").Incarnation);
        Assert.Contains("no RoleInstance", Assert.Throws<InvalidDataException>(() => GoalState.Parse(File.ReadAllText(Wala("wire", "goal_state_noop.xml")), "noop")).Message, StringComparison.Ordinal);

        var ready = XDocument.Parse(gs.HealthReport(null));
        Assert.Equal("1", ready.Root!.Element("GoalStateIncarnation")!.Value);
        var role = ready.Root.Element("Container")!.Element("RoleInstanceList")!.Element("Role")!;
        Assert.Equal(gs.InstanceId, role.Element("InstanceId")!.Value);
        Assert.Equal("Ready", role.Element("Health")!.Element("State")!.Value);
        Assert.Null(role.Element("Health")!.Element("Details"));

        var failed = XDocument.Parse(gs.HealthReport("users_groups: <bad> & worse")).Root!.Descendants("Health").Single();
        Assert.Equal("NotReady", failed.Element("State")!.Value);
        Assert.Equal("ProvisioningFailed", failed.Element("Details")!.Element("SubStatus")!.Value);
        Assert.Equal("users_groups: <bad> & worse", failed.Element("Details")!.Element("Description")!.Value);

        using var json = JsonDocument.Parse(AzureReporter.JsonHealth("x \"y\""));
        Assert.Equal("NotReady", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("ProvisioningFailed", json.RootElement.GetProperty("details").GetProperty("subStatus").GetString());
        Assert.Equal("x \"y\"", json.RootElement.GetProperty("details").GetProperty("description").GetString());
        Assert.Equal("""{"state":"Ready"}""", AzureReporter.JsonHealth(null));
    }
}
