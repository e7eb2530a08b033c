using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Keel.Provisioning.Datasources.Azure;
using Keel.Provisioning.Engine;
using Keel.Tests;

namespace Keel.Provisioning.Tests.Azure;

/// <summary>keel-agent against an emulated IMDS and wireserver on loopback, answering with azure-init's and WALinuxAgent's fixtures.</summary>
public sealed class AzureFlowTests
{
    // Short backoff keeps the tests quick; the timeouts are generous because tests count exact attempts, and on a loaded
    // 2-core machine a loopback answer took longer than 300 ms once (a fourth IMDS attempt). Tests about timeouts set
    // their own.
    private static readonly RetryPolicy Fast = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(30),
        InitialDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(100),
    };

    private static string Fixture(string kind, string name) => TestPaths.Oracle("azure-init-HEAD", "testinit", "testing-server", "api-responses", kind, name);

    private static string GoalStateXml => File.ReadAllText(TestPaths.Oracle("WALinuxAgent-HEAD", "tests", "data", "wire", "goal_state.xml"));

    private static AgentStatus Provision(TestRoot t, AzureEmulator emu, AzureReportMode mode, RetryPolicy? retry = null, string? ovfDir = null, string bootId = "boot-1", CancellationToken token = default)
    {
        var options = new AzureOptions { Imds = emu.BaseUri, Wireserver = emu.BaseUri, ReportMode = mode, Retry = retry ?? Fast, OvfDirectory = ovfDir };
        using var http = new RetryingHttp(options.Retry);
        var azure = new AzureDatasource(options, http);
        var provisioner = new Provisioner(t.Root, new ProvisioningOptions { BootId = bootId, Now = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) }, TextWriter.Null);
        return provisioner.Run(() => azure.Read(token), azure.Reporter, token);
    }

    private static string Errors(AgentStatus s) => string.Join("; ", s.Errors.Select(e => e.Source + ": " + e.Message));

    [Fact]
    public void Success_after_imds_errors_reports_ready_exactly_once()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        var imds = AzureEmulator.ImdsFixture(Fixture("imds", "two-bad-then-success.json"));
        emu.Script("imds", imds);
        emu.Script("health-json", AzureEmulator.WireserverFixture(Fixture("wireserver", "one-bad-then-success.xml")));

        var status = Provision(t, emu, AzureReportMode.Json);

        Assert.True(status.Status == "done", Errors(status));
        Assert.Equal("Azure", status.Datasource);
        Assert.Equal("12345678-90ab-cdef-1234-567890abcdef", status.InstanceId);
        Assert.Equal(3, emu.Count("imds"));
        Assert.All(emu.Requests.Where(r => r.Route == "imds"), r =>
        {
            Assert.Equal("true", r.Headers["metadata"]);
            Assert.Equal("/metadata/instance?api-version=2021-08-01", r.PathAndQuery);
        });

        // one-bad-then-success: a 500, then the 200 that counts. Exactly one Ready was delivered.
        var posts = emu.Requests.Where(r => r.Route == "health-json").ToList();
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.Equal("""{"state":"Ready"}""", p.Body));
        Assert.StartsWith("keel-agent/", posts[0].Headers["x-ms-guest-agent-name"], StringComparison.Ordinal);
        Assert.Equal("Ready (json)", status.ReadyReport);
        Assert.Equal(0, emu.Count("health-xml"));

        // What IMDS said landed in the root: admin user with its key, host name.
        var key = JsonDocument.Parse(imds[2].Body).RootElement.GetProperty("compute").GetProperty("publicKeys")[0].GetProperty("keyData").GetString()!.Trim();
        Assert.Matches("(?m)^azureuser:x:1000:", t["/etc/passwd"]);
        Assert.Equal(key + "\n", t["/home/azureuser/.ssh/authorized_keys"]);
        Assert.Equal("temp-vm\n", t["/etc/hostname"]);

        // Next boot, same instance: nothing more is reported.
        var again = Provision(t, emu, AzureReportMode.Json, bootId: "boot-2");
        Assert.Equal("already reported", again.ReadyReport);
        Assert.Equal(2, emu.Count("health-json"));
    }

    [Fact]
    public void Invalid_custom_data_reports_not_ready_through_the_goal_state()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        var ovfDir = Path.Combine(t.Base, "ovf");
        Directory.CreateDirectory(ovfDir);
        var sample = File.ReadAllText(TestPaths.Oracle("WALinuxAgent-HEAD", "tests", "data", "ovf-env.xml"));
        var custom = Convert.ToBase64String(Encoding.UTF8.GetBytes("#cloud-config\nusers: [a\n"));
        File.WriteAllText(Path.Combine(ovfDir, "ovf-env.xml"), sample.Replace("<CustomData>CustomData</CustomData>", $"<CustomData>{custom}</CustomData>", StringComparison.Ordinal));
        emu.Script("imds", AzureEmulator.ImdsFixture(Fixture("imds", "two-bad-then-success.json"))[2]);
        emu.Script("goalstate", AzureEmulator.WireserverFixture(Fixture("wireserver", "success-200.xml"), GoalStateXml));
        emu.Script("health-xml", AzureEmulator.WireserverFixture(Fixture("wireserver", "success-200.xml")));

        var status = Provision(t, emu, AzureReportMode.GoalState, ovfDir: ovfDir);

        Assert.Equal("error", status.Status);
        Assert.Equal("NotReady (goalstate)", status.ReadyReport);
        var goal = emu.Requests.Single(r => r.Route == "goalstate");
        Assert.Equal(AzureReporter.WireProtocolVersion, goal.Headers["x-ms-version"]);
        var post = emu.Requests.Single(r => r.Route == "health-xml");
        Assert.Equal(AzureReporter.WireProtocolVersion, post.Headers["x-ms-version"]);
        Assert.StartsWith("text/xml", post.Headers["content-type"], StringComparison.Ordinal);
        var health = XDocument.Parse(post.Body).Root!;
        Assert.Equal("1", health.Element("GoalStateIncarnation")!.Value);
        Assert.Equal("c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2", health.Element("Container")!.Element("ContainerId")!.Value);
        var inner = health.Descendants("Health").Single();
        Assert.Equal("NotReady", inner.Element("State")!.Value);
        Assert.Equal("ProvisioningFailed", inner.Element("Details")!.Element("SubStatus")!.Value);
        Assert.Contains("user-data", inner.Element("Details")!.Element("Description")!.Value, StringComparison.Ordinal);
        Assert.Contains("YAML", inner.Element("Details")!.Element("Description")!.Value, StringComparison.OrdinalIgnoreCase);

        // ovf-env.xml wins over IMDS for the host and user names; its plain-text password is not applied (a warning).
        Assert.Equal("HostName\n", t["/etc/hostname"]);
        Assert.Contains("UserPassword", string.Join(";", status.Warnings.Select(w => w.Source)), StringComparison.Ordinal);
        Assert.False(t.Root.Exists("/var/lib/cloud/instances/12345678-90ab-cdef-1234-567890abcdef/sem/" + Provisioner.ReadyMarker));
    }

    [Fact]
    public void A_fatally_failing_module_reports_not_ready_with_its_name()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        var body = AzureEmulator.ImdsFixture(Fixture("imds", "two-bad-then-success.json"))[2].Body;
        var userData = Convert.ToBase64String(Encoding.UTF8.GetBytes("#cloud-config\nwrite_files:\n  - path: /etc/../../escape\n    content: x\n"));
        emu.Script("imds", new Scripted(200, body.Replace("\"userData\": \"\"", $"\"userData\": \"{userData}\"", StringComparison.Ordinal)));
        emu.Script("health-json", new Scripted(404, ""));
        emu.Script("goalstate", new Scripted(200, GoalStateXml, ContentType: "text/xml"));
        emu.Script("health-xml", new Scripted(200, ""));

        var status = Provision(t, emu, AzureReportMode.Auto);

        Assert.Equal("NotReady (goalstate)", status.ReadyReport);
        Assert.Equal(1, emu.Count("health-json"));
        var description = XDocument.Parse(emu.Requests.Single(r => r.Route == "health-xml").Body).Descendants("Description").Single().Value;
        Assert.StartsWith("write_files: ", description, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(t.Base, "escape")));
        Assert.Contains(status.Modules, m => m.Name == "users_groups" && m.Result == "ran");
    }

    [Fact]
    public void Server_errors_are_retried_with_backoff_and_bounded()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        emu.Script("imds", AzureEmulator.ImdsFixture(Fixture("imds", "internal-error-500.json")));
        emu.Script("health-json", new Scripted(429, ""), new Scripted(503, ""), new Scripted(201, ""));
        var retry = Fast with { TotalTimeout = TimeSpan.FromMilliseconds(1500), InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(160) };

        var status = Provision(t, emu, AzureReportMode.Json, retry);

        // Backoff of 20, 40, 80, 160, 160 ... ms within 1.5 s allows at most 12 attempts (a tight loop would make
        // hundreds); a slow machine makes fewer, so only the upper bound and "it did retry" are asserted.
        var attempts = emu.Count("imds");
        Assert.True(attempts is >= 2 and <= 12, $"{attempts} requests: {Errors(status)}");
        Assert.Equal("error", status.Status);
        var error = status.Errors.Single(e => e.Source == "datasource").Message;
        Assert.Contains("/metadata/instance", error, StringComparison.Ordinal);
        Assert.Matches("timed out: no success after \\d+ attempts in \\d+\\.\\d+ s \\(limit 1\\.5 s\\)", error);
        Assert.Contains("last: HTTP 500", error, StringComparison.Ordinal);

        // The failure is still reported: 429 and 503 retried, the 201 accepted.
        Assert.Equal(3, emu.Count("health-json"));
        Assert.Equal("NotReady (json)", status.ReadyReport);
        using var last = JsonDocument.Parse(emu.Requests.Last(r => r.Route == "health-json").Body);
        Assert.StartsWith("datasource: ", last.RootElement.GetProperty("details").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_error_is_not_retried()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        emu.Script("imds", AzureEmulator.ImdsFixture(Fixture("imds", "bad-request-400.json")));
        var status = Provision(t, emu, AzureReportMode.None);
        Assert.Equal(1, emu.Count("imds"));
        Assert.Contains("HTTP 400", status.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Equal("NotReady (none)", status.ReadyReport);
    }

    [Fact]
    public void A_hanging_imds_is_a_timeout_in_status_not_a_crash()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        emu.Script("imds", new Scripted(200, "", Hang: true));
        emu.Script("health-json", new Scripted(200, "", Hang: true));
        var retry = Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(200), TotalTimeout = TimeSpan.FromMilliseconds(700) };

        var status = Provision(t, emu, AzureReportMode.Json, retry);

        Assert.Equal("error", status.Status);
        var datasource = status.Errors.Single(e => e.Source == "datasource").Message;
        Assert.Contains("timed out", datasource, StringComparison.Ordinal);
        Assert.Matches("last: no answer within 0(\\.\\d+)? s", datasource);
        Assert.Contains("timed out", status.Errors.Single(e => e.Source == "ready report").Message, StringComparison.Ordinal);
        Assert.Equal("NotReady not delivered", status.ReadyReport);
        Assert.Equal(status.Status, Provisioner.ReadStatus(t.Root)!.Status);
    }

    [Fact]
    public void Cancellation_by_the_caller_is_not_reported_as_a_timeout()
    {
        using var t = new TestRoot();
        using var emu = new AzureEmulator();
        emu.Script("imds", new Scripted(200, "", Hang: true));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var retry = Fast with { AttemptTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(10) };
        Assert.ThrowsAny<OperationCanceledException>(() => Provision(t, emu, AzureReportMode.Json, retry, token: cts.Token));
    }

    [Fact]
    public async Task Imds_emulator_refuses_requests_without_the_metadata_header()
    {
        using var emu = new AzureEmulator();
        emu.Script("imds", new Scripted(200, "{}"));
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(emu.BaseUri, "/metadata/instance?api-version=2021-08-01"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("metadata header", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
