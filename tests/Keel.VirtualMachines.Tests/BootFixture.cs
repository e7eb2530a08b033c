using System.Diagnostics;
using Keel.Tests;

namespace Keel.VirtualMachines.Tests;

/// <summary>Builds tests/boot-fixture's disk once per test run (the script itself skips unchanged rebuilds).</summary>
public sealed class BootFixture
{
    public BootFixture()
    {
        var script = Path.Combine(TestPaths.RepoRoot, "tests", "boot-fixture", "build.sh");
        ImagePath = Path.Combine(TestPaths.RepoRoot, ".work", "boot-fixture", "disk.raw");
        var psi = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ImagePath);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }

    public string ImagePath { get; }

    /// <summary>First and last LBA of GPT partition <paramref name="number"/> (1-based).</summary>
    public static (long First, long Last) PartitionExtent(string image, int number)
    {
        using var file = File.OpenRead(image);
        var entry = new byte[128];
        // The partition entry array starts at LBA 2, 128 bytes an entry; first and last LBA sit at bytes 32 and 40.
        file.Position = (2 * 512) + ((number - 1) * 128);
        file.ReadExactly(entry);
        return (BitConverter.ToInt64(entry, 32), BitConverter.ToInt64(entry, 40));
    }

    /// <summary>The first bytes of the scratch partition (GPT entry 2), where the guest keeps its boot counter.</summary>
    public static string ReadScratchHeader(string image)
    {
        var firstLba = PartitionExtent(image, 2).First;
        using var file = File.OpenRead(image);
        var header = new byte[64];
        file.Position = firstLba * 512;
        file.ReadExactly(header);
        return System.Text.Encoding.ASCII.GetString(header).Split('\n')[0];
    }
}
