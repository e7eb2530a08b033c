using System.Text.Json;
using Keel.Agent;
using Keel.Provisioning.Engine;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>Never silent: keys of modules keel-agent does not apply are named in status, schema and analyze; strict makes them fatal.</summary>
public sealed class ModuleCoverageTests
{
    // byobu is not implemented; apt, snap and zypper make no sense on an RPM distribution; expiredate is an option
    // users_groups does not apply. hostname and write_files are applied.
    private const string Mixed = """
        #cloud-config
        hostname: cov1
        write_files:
          - {path: /etc/cov, content: "x\n"}
        byobu_by_default: enable
        apt:
          preserve_sources_list: true
        snap:
          commands: ["snap install hello"]
        zypper:
          repos: [{id: oss, baseurl: "http://example.com/oss"}]
        users:
          - name: alice
            expiredate: "2030-01-01"
        """;

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = AgentCli.RunAsync(args, stdout, stderr).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Unimplemented_and_not_applicable_keys_make_the_run_degraded_naming_each_key()
    {
        using var t = new TestRoot();
        t.Seed(Mixed);
        Assert.Equal(0, Cli("run", "--root", t.RootPath, "--seed", t.SeedPath).Code);

        var (code, output, _) = Cli("status", "--root", t.RootPath);
        Assert.Equal(0, code);
        var status = JsonDocument.Parse(output).RootElement;
        Assert.Equal("degraded", status.GetProperty("status").GetString());
        var warnings = status.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("source").GetString() + " => " + w.GetProperty("message").GetString()).ToList();
        Assert.Contains("user-data: byobu_by_default => line 5: module byobu is not implemented by keel-agent; not applied", warnings);
        Assert.Contains(warnings, w => w.StartsWith("user-data: apt => line 6: module apt_configure is not applicable on an RPM distribution", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("user-data: snap => line 8: module snap is not applicable on an RPM distribution", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("user-data: zypper => line 10: module zypper_add_repo is not applicable on an RPM distribution", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("user-data: users.0.expiredate => line 14: users_groups: option not supported by keel-agent (account expiry is not set)", StringComparison.Ordinal));
        Assert.Equal(5, status.GetProperty("not_applied").GetArrayLength());
        Assert.Equal(1, Cli("status", "--root", t.RootPath, "--strict").Code);

        // What is supported was still applied.
        Assert.Equal("cov1\n", t["/etc/hostname"]);
        Assert.Equal("x\n", t["/etc/cov"]);

        var table = Cli("analyze", "--root", t.RootPath).Out;
        Assert.Contains("not applied: user-data: byobu_by_default: line 5: module byobu is not implemented by keel-agent; not applied", table, StringComparison.Ordinal);
        Assert.Contains("not applied: user-data: users.0.expiredate:", table, StringComparison.Ordinal);
        var json = JsonDocument.Parse(Cli("analyze", "--root", t.RootPath, "--json").Out).RootElement;
        Assert.Contains(json.GetProperty("not_applied").EnumerateArray(), n => n.GetProperty("source").GetString() == "user-data: snap");
    }

    [Fact]
    public void A_config_keel_agent_applies_fully_is_done_with_nothing_listed()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nhostname: full1\nwrite_files:\n  - {path: /etc/full, content: y}\nusers:\n  - name: bob\n    lock_passwd: true\n");
        var status = t.Run();
        Assert.Equal("done", status.Status);
        Assert.Empty(status.NotApplied);
    }

    [Theory]
    [InlineData("--strict", "")]
    [InlineData(null, "keel_agent:\n  strict: true\n")]
    public void Strict_fails_before_any_module_runs(string? flag, string configFlag)
    {
        using var t = new TestRoot();
        t.Seed(Mixed + "\n" + configFlag);
        string[] args = ["run", "--root", t.RootPath, "--seed", t.SeedPath, .. flag is null ? Array.Empty<string>() : [flag]];
        var (code, output, err) = Cli(args);
        Assert.Equal(1, code);
        Assert.Contains("status: error", output, StringComparison.Ordinal);
        Assert.Contains("keel-agent: error: user-data: byobu_by_default: line 5: module byobu is not implemented by keel-agent; not applied", err, StringComparison.Ordinal);
        Assert.Contains("keel-agent: error: strict: 5 key(s) keel-agent does not apply; no module was run", err, StringComparison.Ordinal);

        var status = JsonDocument.Parse(Cli("status", "--root", t.RootPath).Out).RootElement;
        Assert.Equal("error", status.GetProperty("status").GetString());
        Assert.Equal(0, status.GetProperty("modules").GetArrayLength());
        Assert.False(File.Exists(t.Host("/etc/hostname")));
        Assert.False(File.Exists(t.Host("/etc/cov")));
        Assert.False(Directory.Exists(t.Host("/var/lib/cloud/instances")));
    }

    [Fact]
    public void Schema_names_the_keys_and_strict_makes_them_errors()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Mixed + "\n");
            var (code, output, _) = Cli("schema", "--config", file);
            Assert.Equal(0, code);
            Assert.Contains($"{file}:5: warning: byobu_by_default: module byobu is not implemented by keel-agent; not applied", output, StringComparison.Ordinal);
            Assert.Contains($"{file}:8: warning: snap: module snap is not applicable on an RPM distribution (Ubuntu's snapd); not applied", output, StringComparison.Ordinal);
            Assert.Contains($"{file}:14: warning: users.0.expiredate: users_groups: option not supported by keel-agent (account expiry is not set); ignored", output, StringComparison.Ordinal);

            var strict = Cli("schema", "--config", file, "--strict");
            Assert.Equal(1, strict.Code);
            Assert.Contains($"{file}:5: error: byobu_by_default: module byobu is not implemented by keel-agent; not applied", strict.Out, StringComparison.Ordinal);
            Assert.Contains($"{file}: invalid", strict.Out, StringComparison.Ordinal);

            // The config flag does the same, and keel_agent itself is not an unknown key.
            File.WriteAllText(file, Mixed + "\nkeel_agent: {strict: true}\n");
            var flagged = Cli("schema", "--config", file);
            Assert.Equal(1, flagged.Code);
            Assert.Contains($"{file}:10: error: zypper: module zypper_add_repo", flagged.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("keel_agent: unknown key", flagged.Out, StringComparison.Ordinal);

            File.WriteAllText(file, "#cloud-config\nhostname: h\nkeel_agent: {strict: true}\n");
            var clean = Cli("schema", "--config", file, "--strict");
            Assert.Equal(0, clean.Code);
            Assert.DoesNotContain("warning", clean.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_table_covers_every_module_and_key_of_the_cloud_init_schema_and_matches_the_registry()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Oracle("cloud-init-22.4.2", "cloudinit", "config", "schemas", "schema-cloud-config-v1.json")));
        foreach (var def in doc.RootElement.GetProperty("$defs").EnumerateObject().Where(d => d.Name.StartsWith("cc_", StringComparison.Ordinal)))
        {
            var module = def.Name[3..];
            var entry = ModuleCoverage.ForModule(module);
            Assert.True(entry is not null, $"{module}: in cloud-init's schema, not in ModuleCoverage");
            foreach (var key in def.Value.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(k => k.Name) : [])
            {
                Assert.True(ModuleCoverage.ForKey(key) is not null, $"{module}.{key}: no module in ModuleCoverage reads it");
            }
        }

        // What the registry runs is what the table calls implemented, and the reverse.
        var registered = ModuleRegistry.All().Select(m => m.Name).ToHashSet();
        var implemented = ModuleCoverage.Entries.Where(e => e.Support is ModuleSupport.Supported or ModuleSupport.Partial).Select(e => e.Module).ToHashSet();
        Assert.Equal(implemented.Order(), registered.Order());
        Assert.Equal(ModuleCoverage.Entries.Count, ModuleCoverage.Entries.Select(e => e.Module).Distinct().Count());
    }

    [Fact]
    public void Docs_module_table_is_the_coverage_table()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "provisioning.md"));
        var start = doc.IndexOf("<!-- module-table:begin -->", StringComparison.Ordinal);
        var end = doc.IndexOf("<!-- module-table:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/provisioning.md has no module table markers");
        var rows = doc[start..end].Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(c => (Module: c[1].Trim('`'), Keys: c[2], Support: c[3]))
            .ToList();
        var expected = ModuleCoverage.Entries.Select(e => (e.Module, Keys: string.Join(", ", e.Keys.Select(k => $"`{k}`")), Support: e.Support switch
        {
            ModuleSupport.Supported => "supported",
            ModuleSupport.Partial => "partly",
            ModuleSupport.NotApplicable => "not applicable",
            _ => "not yet",
        })).ToList();
        Assert.Equal(expected, rows);

        // Every option a partial module does not apply is named in its row.
        foreach (var entry in ModuleCoverage.Entries.Where(e => e.UnsupportedOptions is not null))
        {
            var row = doc[start..end].Split('\n').Single(l => l.StartsWith($"| `{entry.Module}` ", StringComparison.Ordinal));
            Assert.All(entry.UnsupportedOptions!.Keys, o => Assert.Contains($"`{o}`", row, StringComparison.Ordinal));
        }
    }
}
