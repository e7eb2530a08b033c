using System.Diagnostics;
using System.Text.Json;
using Keel.Cli;
using Keel.Tests;

namespace Keel.EndToEnd.Tests;

/// <summary>Bad input and interrupted builds: one clear line, a non-zero exit, no image at the output path, nothing left behind; a rerun succeeds.</summary>
public sealed class BuildFailureTests : IDisposable
{
    private readonly string _work = EndToEnd.Scratch("fail");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task An_unknown_package_names_it_and_suggests_the_closest()
    {
        var (exit, error) = await Build(EndToEnd.WriteConfig(_work, "minimal", extra: "packages:\n  include:\n    - podmn\n"));
        Assert.Equal(1, exit);
        Assert.Contains("cannot install podmn: no package matches 'podmn'", error, StringComparison.Ordinal);
        Assert.Contains("did you mean 'podman' for 'podmn'?", error, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_disk_too_small_for_the_layout_names_both_sizes()
    {
        var (exit, error) = await Build(EndToEnd.WriteConfig(_work, "minimal", size: "256MiB"));
        Assert.Equal(1, exit);
        Assert.Contains("the layout needs at least", error, StringComparison.Ordinal);
        Assert.Contains("256 MiB", error, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_repository_that_is_down_is_one_line_and_leaves_nothing()
    {
        var config = EndToEnd.WriteConfig(_work, "minimal");
        File.WriteAllText(config, File.ReadAllText(config).Replace($"path: {TestPaths.FixtureRepo}", "baseurl: http://127.0.0.1:9/keel-fixture", StringComparison.Ordinal));
        var (exit, error) = await Build(config);
        Assert.Equal(1, exit);
        Assert.Contains("127.0.0.1:9", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_package_signed_by_another_key_is_refused_before_rpm_runs()
    {
        // The repository's own key is swapped for an unrelated one: every signature is then by an unknown key.
        var otherKey = Path.Combine(_work, "other.asc");
        File.Copy(TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub"), otherKey);
        var config = EndToEnd.WriteConfig(_work, "minimal");
        File.WriteAllText(config, File.ReadAllText(config).Replace($"{TestPaths.FixtureRepo}/RPM-GPG-KEY-keel-fixture", otherKey, StringComparison.Ordinal));
        var (exit, error) = await Build(config);
        Assert.Equal(1, exit);
        Assert.Contains("packages.download", error, StringComparison.Ordinal);
        Assert.Contains("NOKEY", error, StringComparison.OrdinalIgnoreCase);
        AssertNothingLeft();
    }

    [Fact]
    public async Task Kill_9_during_the_build_leaves_no_image_and_nothing_mounted_and_a_rerun_succeeds()
    {
        var config = EndToEnd.WriteConfig(_work, "minimal");
        var image = Path.Combine(_work, "out.raw");
        foreach (var phase in new[] { "packages.install", "boot.install", "storage.format" })
        {
            await KillAt(config, image, phase);
            await WaitForOrphans();
            Assert.False(File.Exists(image), $"an image appeared after kill -9 at {phase}");
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(_work, StringComparison.Ordinal));
        }

        // The rerun sweeps the dead run's work area and the partial image, and completes.
        var (exit, error) = await Build(config, image);
        Assert.True(exit == 0, error);
        Assert.True(File.Exists(image));
        Assert.Equal(["minimal.yaml", "out.raw"], Directory.EnumerateFileSystemEntries(_work).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private async Task KillAt(string config, string image, string phase)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "keel.dll"), "build", config, "-o", image, "--progress", "json" })
        {
            psi.ArgumentList.Add(a);
        }

        using var keel = Process.Start(psi)!;
        _ = keel.StandardError.ReadToEndAsync();
        string? line;
        bool killed = false;
        while ((line = await keel.StandardOutput.ReadLineAsync()) is not null)
        {
            if (JsonDocument.Parse(line).RootElement is var e && e.GetProperty("type").GetString() == "step-started" && e.GetProperty("step").GetString() == phase)
            {
                keel.Kill(entireProcessTree: false);
                killed = true;
                break;
            }
        }

        await keel.WaitForExitAsync();
        Assert.True(killed, $"the build never reached {phase}");
        Assert.NotEqual(0, keel.ExitCode);
    }

    // kill -9 ends keel but not the tool it was running (rpm, dracut, mkfs); they finish on their own, reparented.
    private async Task WaitForOrphans()
    {
        for (int i = 0; i < 600 && Orphans().Any(); i++)
        {
            await Task.Delay(200);
        }

        Assert.Empty(Orphans());
    }

    private IEnumerable<string> Orphans() => Directory.EnumerateDirectories("/proc")
        .Where(d => int.TryParse(Path.GetFileName(d), out var pid) && pid != Environment.ProcessId)
        .Select(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                return "";
            }
            catch (UnauthorizedAccessException)
            {
                return "";
            }
        })
        .Where(c => c.Contains(_work, StringComparison.Ordinal));

    private async Task<(int Exit, string Error)> Build(string config, string? image = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await KeelCli.RunAsync(["build", config, "-o", image ?? Path.Combine(_work, "out.raw"), "--progress", "plain"], stdout, stderr);
        var errors = string.Join('\n', stderr.ToString().Split('\n').Where(l => l.StartsWith("keel:", StringComparison.Ordinal)));
        return (exit, errors);
    }

    private void AssertNothingLeft() =>
        Assert.Equal([], Directory.EnumerateFileSystemEntries(_work).Select(Path.GetFileName).Where(n => n != null && !n.EndsWith(".yaml", StringComparison.Ordinal) && n != "other.asc"));
}
