using System.Diagnostics;
using System.Text.RegularExpressions;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>
/// Issue 8 finding 8 (messages): the NativeAOT keel-agent prints the framework's own messages, not raw resource keys
/// ("IO_FileNotFound_FileName, /x"). Resource keys only show in the AOT build, so this runs the published binary:
/// KEEL_AGENT_BIN, else the one packaged in KEEL_AGENT_REPO (tests/agent-package/build.sh, which scripts/test.sh runs first).
/// </summary>
public sealed partial class NativeAotMessagesTests
{
    [Fact]
    public void Common_failures_print_readable_messages()
    {
        using var t = new TestRoot();
        var agent = AgentBinary(t.Base);
        var outputs = new List<string>();

        var missing = Path.Combine(t.Base, "no-such-config.yaml");
        var schema = Run(agent, "schema", "--config", missing);
        outputs.Add(schema);
        Assert.Contains($"Could not find file '{missing}'", schema, StringComparison.Ordinal);

        // Writing through a dangling symlink (the case the issue names).
        File.CreateSymbolicLink(t.Host("/etc/dangling"), "/nonexistent/dir/file");
        t.Seed("#cloud-config\nssh_genkeytypes: []\nwrite_files:\n  - path: /etc/dangling\n    content: x\n");
        var run = Run(agent, "run", "--root", t.RootPath, "--seed", t.SeedPath);
        outputs.Add(run);
        // Keel.TargetSystem words this one itself (the link, where it points, that nothing was written).
        Assert.Contains("write_files.0: /etc/dangling: is a symlink to /nonexistent/dir/file in ", run, StringComparison.Ordinal);
        Assert.Contains("whose directory does not exist; nothing written", run, StringComparison.Ordinal);

        File.WriteAllText(t.Host("/var/lib/cloud/data/keel-status.json"), "{bad");
        var status = Run(agent, "status", "--root", t.RootPath);
        outputs.Add(status);
        Assert.Contains("corrupt status document: 'b' is an invalid start of a property name", status, StringComparison.Ordinal);

        Assert.All(outputs, o => Assert.DoesNotMatch(ResourceKey(), o));
    }

    /// <summary>A resource key as UseSystemResourceKeys prints it: "IO_PathNotFound_Path, ..." or "ExpectedStartOfPropertyNotFound, b".</summary>
    [GeneratedRegex(@"(?m)(?:^|: )(?:[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|(?:[A-Z][a-z0-9]+){3,})(?:,|$)")]
    private static partial Regex ResourceKey();

    private static string AgentBinary(string scratch)
    {
        if (Environment.GetEnvironmentVariable("KEEL_AGENT_BIN") is { Length: > 0 } bin)
        {
            return bin;
        }

        var repo = Environment.GetEnvironmentVariable("KEEL_AGENT_REPO") ?? Path.Combine(TestPaths.RepoRoot, ".work", "agent-repo");
        var rpm = Directory.Exists(Path.Combine(repo, "Packages")) ? Directory.GetFiles(Path.Combine(repo, "Packages"), "keel-agent-*.rpm").SingleOrDefault() : null;
        Assert.True(rpm is not null, $"{repo}: no keel-agent RPM; build it with tests/agent-package/build.sh {repo} (or set KEEL_AGENT_BIN to a published NativeAOT keel-agent)");
        var dest = Path.Combine(scratch, "agent-rpm");
        Directory.CreateDirectory(dest);
        var psi = new ProcessStartInfo("sh") { WorkingDirectory = dest, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("rpm2cpio \"$1\" | cpio -idm --quiet ./usr/bin/keel-agent");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(rpm!);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"extracting keel-agent from {rpm}: {err}");
        return Path.Combine(dest, "usr/bin/keel-agent");
    }

    private static string Run(string agent, params string[] args)
    {
        var psi = new ProcessStartInfo(agent) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), $"{agent} {string.Join(' ', args)} did not finish");
        return stdout.Result + stderr;
    }
}
