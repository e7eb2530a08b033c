using System.Diagnostics;
using System.Text.Json;
using Keel.Tests;

namespace Keel.Cli.Tests;

/// <summary>`keel repo resolve --root`: the installed state comes from a real rpmdb written by rpm at the native path.</summary>
public sealed class ResolveWithRootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-cli-root-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_older_installed_package_is_reported_as_upgraded_and_replaced()
    {
        var root = Path.Combine(_dir, "root");
        var oldSudo = Directory.GetFiles(Path.Combine(TestPaths.FixtureRepo, "Packages", "s"), "sudo-1.9.16p2-*.x86_64.rpm").Single();
        Rpm(root, "--initdb");
        Rpm(root, "-i", "--nodeps", "--noscripts", "--nosignature", oldSudo);

        var (exit, stdout, stderr) = await CliRunner.RunAsync(
            "repo", "resolve", "--repo", TestPaths.FixtureRepo, "--cache", Path.Combine(_dir, "cache"), "--root", root, "--json", "sudo");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var upgrade = doc.RootElement.GetProperty("upgrade").EnumerateArray().Select(e => e.GetString()).ToList();
        var replaced = doc.RootElement.GetProperty("replaced").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(upgrade, n => n!.StartsWith("sudo-1.9.17p1-", StringComparison.Ordinal));
        Assert.Equal(Path.GetFileNameWithoutExtension(oldSudo), Assert.Single(replaced));
        Assert.DoesNotContain(doc.RootElement.GetProperty("install").EnumerateArray(), e => e.GetString()!.StartsWith("sudo-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_root_without_an_rpmdb_is_named_in_the_error()
    {
        var root = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(root);
        var (exit, _, stderr) = await CliRunner.RunAsync("repo", "resolve", "--repo", TestPaths.FixtureRepo, "--cache", Path.Combine(_dir, "cache"), "--root", root, "sudo");
        Assert.Equal(1, exit);
        Assert.Contains(root, stderr, StringComparison.Ordinal);
    }

    private static void Rpm(string root, params string[] args)
    {
        var psi = new ProcessStartInfo("rpm") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["--root", root, "--dbpath", "/usr/lib/sysimage/rpm", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"rpm {string.Join(' ', args)}: {err.Result}");
    }
}
