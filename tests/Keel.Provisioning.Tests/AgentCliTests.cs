using Keel.Agent;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>The keel-agent commands end to end through the command line parser.</summary>
public sealed class AgentCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = AgentCli.RunAsync(args, stdout, stderr).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Schema_exit_codes_and_line_numbers()
    {
        var valid = TestPaths.Oracle("cloud-init-HEAD", "doc", "examples", "cloud-config-write-files.txt");
        Assert.Equal(0, Run("schema", "--config", valid).Code);

        var invalid = TestPaths.Oracle("cloud-init-22.4.2", "tests", "data", "user_data.1.txt");
        var (code, output, _) = Run("schema", "--config", invalid);
        Assert.Equal(1, code);
        var line = File.ReadAllLines(invalid).Select((l, i) => (l, i)).First(p => p.l.Contains("permissions", StringComparison.Ordinal)).i + 1;
        Assert.Contains($"{invalid}:{line}: error: write_files.0.permissions: 493 is not of type 'string'", output, StringComparison.Ordinal);

        var head = TestPaths.Oracle("cloud-init-HEAD", "cloudinit", "config", "schemas", "schema-cloud-config-v1.json");
        var newer = TestPaths.Oracle("cloud-init-HEAD", "doc", "module-docs", "cc_locale", "example3.yaml");
        Assert.Equal(1, Run("schema", "--config", newer).Code);
        Assert.Equal(0, Run("schema", "--config", newer, "--schema", head).Code);
    }

    [Fact]
    public void Schema_reports_malformed_yaml()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "#cloud-config\nusers: [a\n");
            var (code, output, _) = Run("schema", "--config", file);
            Assert.Equal(1, code);
            Assert.Contains("malformed YAML", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Query_prints_merged_json_and_run_status_clean_round_trip()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nhostname: q1\nruncmd: [a]\nfrobnicate: 1\n", vendorData: "#cloud-config\nhostname: vendor\ntimezone: UTC\n");
        var (code, output, _) = Run("query", "--seed", t.SeedPath);
        Assert.Equal(0, code);
        var json = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal("q1", json.GetProperty("hostname").GetString());
        Assert.Equal("UTC", json.GetProperty("timezone").GetString());

        Directory.CreateDirectory(t.Host("/usr/share/zoneinfo"));
        File.WriteAllText(t.Host("/usr/share/zoneinfo/UTC"), "TZif");
        Assert.Equal(1, Run("status", "--root", t.RootPath).Code);
        var run = Run("run", "--root", t.RootPath, "--seed", t.SeedPath);
        Assert.Equal(0, run.Code);
        var status = Run("status", "--root", t.RootPath);
        Assert.Equal(0, status.Code);
        Assert.Contains("\"status\": \"degraded\"", status.Out, StringComparison.Ordinal);
        Assert.Equal(1, Run("status", "--root", t.RootPath, "--strict").Code);
        Assert.Equal("q1\n", t["/etc/hostname"]);

        Assert.Equal(0, Run("clean", "--root", t.RootPath).Code);
        Assert.Equal(1, Run("status", "--root", t.RootPath).Code);
    }

    [Fact]
    public void Run_with_a_missing_seed_fails_with_one_line()
    {
        using var t = new TestRoot();
        var (code, _, err) = Run("run", "--root", t.RootPath, "--seed", Path.Combine(t.Base, "nope"));
        Assert.Equal(1, code);
        Assert.Contains("datasource", err, StringComparison.Ordinal);
        Assert.Equal(1, Run("status", "--root", t.RootPath).Code);
    }

    [Fact]
    public void Analyze_shows_stage_and_module_times_of_the_recorded_run()
    {
        using var t = new TestRoot();
        Assert.Equal(1, Run("analyze", "--root", t.RootPath).Code);

        t.Seed("#cloud-config\nhostname: a1\nssh_genkeytypes: [rsa]\n");
        Assert.Equal(0, Run("run", "--root", t.RootPath, "--seed", t.SeedPath).Code);
        var (code, output, _) = Run("analyze", "--root", t.RootPath, "--json");
        Assert.Equal(0, code);

        var json = System.Text.Json.JsonDocument.Parse(output).RootElement;
        var stages = json.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["datasource", "init", "config", "final"], stages.Select(s => s.GetProperty("name").GetString()!));
        var recorded = System.Text.Json.JsonDocument.Parse(t["/var/lib/cloud/data/keel-status.json"]).RootElement;
        Assert.Equal(recorded.GetProperty("modules").GetArrayLength(), stages.Sum(s => s.GetProperty("modules").GetArrayLength()));
        foreach (var stage in stages)
        {
            // A stage's wall time covers its modules.
            var modules = stage.GetProperty("modules").EnumerateArray().Sum(m => m.GetProperty("duration_ms").GetDouble());
            Assert.True(stage.GetProperty("duration_ms").GetDouble() >= modules, stage.ToString());
        }

        // Generating an RSA host key with ssh-keygen is the slowest thing this config does.
        var init = stages[1].GetProperty("modules").EnumerateArray().ToList();
        var ssh = init.Single(m => m.GetProperty("name").GetString() == "ssh").GetProperty("duration_ms").GetDouble();
        Assert.True(ssh > 5, $"ssh took {ssh} ms");
        Assert.True(init.All(m => m.GetProperty("duration_ms").GetDouble() <= ssh));

        var table = Run("analyze", "--root", t.RootPath).Out.Split('\n');
        Assert.StartsWith("stage/module", table[0], StringComparison.Ordinal);
        Assert.StartsWith("init ", table.Single(l => l.StartsWith("init ", StringComparison.Ordinal)), StringComparison.Ordinal);
        var initAt = Array.FindIndex(table, l => l.StartsWith("init ", StringComparison.Ordinal));
        Assert.StartsWith("  ssh ", table[initAt + 1], StringComparison.Ordinal);
        Assert.Matches(@"^total\s+\d+\.\d{3}$", table.Single(l => l.StartsWith("total", StringComparison.Ordinal)));
    }
}
