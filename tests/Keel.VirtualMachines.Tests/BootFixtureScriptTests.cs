using System.Diagnostics;
using Keel.Tests;

namespace Keel.VirtualMachines.Tests;

/// <summary>tests/boot-fixture/build.sh: reproducible output, and a rerun that does nothing.</summary>
public sealed class BootFixtureScriptTests
{
    private static readonly string Script = Path.Combine(TestPaths.RepoRoot, "tests", "boot-fixture", "build.sh");

    [Fact]
    public void TwoBuilds_AreBitIdentical_AndARerunIsSkipped()
    {
        using var scratch = new Scratch();
        var first = scratch.File("a/disk.raw");
        var second = scratch.File("b/disk.raw");

        var builtAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Build(first);

        // The second build must start in a later second, so a leaked build time would show in the bytes.
        Assert.True(SpinWait.SpinUntil(() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() > builtAt, TimeSpan.FromSeconds(5)));
        Build(second);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(DiskImageFormat.Raw, DiskImageProbe.Detect(first));

        var written = File.GetLastWriteTimeUtc(first);
        var rerun = Build(first);
        Assert.Contains("up to date", rerun, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(first));
        Assert.Equal(["disk.raw", "disk.raw.stamp"], Directory.GetFileSystemEntries(Path.GetDirectoryName(first)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static string Build(string dest)
    {
        var psi = new ProcessStartInfo(Script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dest);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        return stderr.Result + stdout.Result;
    }
}
