using System.Text.Json;
using Keel.Cli;
using Keel.Install.Steps;
using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>The README's main job through the real command line: `keel build` with JSON progress, then `keel vm run --expect` on the banner.</summary>
public sealed class CliBuildAndBootTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = EndToEnd.Scratch("cli");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task Build_reports_every_phase_in_order_and_the_image_boots_to_the_banner()
    {
        var image = Path.Combine(_work, "host.qcow2");
        var config = Path.Combine(TestPaths.RepoRoot, "examples", "fixture", "container-host.yaml");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        // The key is given explicitly: with --repo DIR Keel never takes the mirror's own key as its anchor.
        var key = Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture");
        var exit = await KeelCli.RunAsync(["build", config, "--repo", TestPaths.FixtureRepo, "--repo-key", key, "-o", image, "--progress", "json"], stdout, stderr);
        Assert.True(exit == 0, stderr.ToString());

        // Every line is JSON with a known step; steps never go backwards; the first line is the plan, the last "done".
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("plan", lines[0].GetProperty("type").GetString());
        Assert.Equal("done", lines[^1].GetProperty("type").GetString());
        var phases = lines[1..^1].Select(l => l.GetProperty("step").GetString()!).ToList();
        var order = phases.Select(p => InstallSteps.Ids.ToList().IndexOf(p)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
        foreach (var required in new[] { "storage.check", "packages.resolve", "packages.download", "packages.install", "system.users", "boot.install", "storage.partition", "storage.format", "output.convert" })
        {
            Assert.Contains(required, phases);
        }

        // Only the image is left: no partial image, no work area.
        Assert.Equal(["host.qcow2"], Directory.EnumerateFileSystemEntries(_work).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var console = new StringWriter();
        var vmExit = await KeelCli.RunAsync(["vm", "run", image, "--expect", BootedImageTests.Banner, "--timeout", "300", "--memory", "768"], console, stderr);
        output.WriteLine(console.ToString());
        Assert.True(vmExit == 0, $"vm run exit {vmExit}: {stderr}{EndToEnd.Tail(console.ToString())}");
        Assert.Contains(BootedImageTests.Banner, console.ToString(), StringComparison.Ordinal);
        // The example's boot script ran the fixture's busybox image with podman before the banner.
        Assert.Contains("container says: Hello from the Keel fixture's busybox image", console.ToString(), StringComparison.Ordinal);
    }
}
