using System.Security.Cryptography;

namespace Keel.VirtualMachines.Tests;

/// <summary>Real boots of the boot fixture under qemu (TCG): each one takes several seconds, so there are few.</summary>
public sealed class VmRunTests : IClassFixture<BootFixture>
{
    private const string Marker = "KEEL-BOOT-FIXTURE OK";
    private const string PowerOff = "KEEL-BOOT-FIXTURE powering off";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private readonly BootFixture _fixture;

    public VmRunTests(BootFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Boot_ShowsMarker_AndLeavesImageUntouched()
    {
        using var scratch = new Scratch();
        var before = Hash(_fixture.ImagePath);
        var console = new StringWriter();

        var result = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = _fixture.ImagePath, Expect = PowerOff, Timeout = Generous, TempRoot = scratch.Path },
            console);

        Assert.Equal(VmRunOutcome.ExpectedTextSeen, result.Outcome);
        var text = console.ToString();
        Assert.Contains(Marker, text, StringComparison.Ordinal);
        // The guest did write (its counter went up, in the overlay) and the image did not change.
        Assert.Contains("KEEL-BOOT-FIXTURE boot-count 1", text, StringComparison.Ordinal);
        Assert.Equal(before, Hash(_fixture.ImagePath));
        Assert.Equal("KEEL-SCRATCH boot-count 0", BootFixture.ReadScratchHeader(_fixture.ImagePath));
        AssertNothingLeft(scratch.Path);
    }

    [Fact]
    public async Task Expect_TextThatNeverAppears_TimesOutAndStopsQemu()
    {
        using var scratch = new Scratch();

        var result = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = _fixture.ImagePath, Expect = "this text is never printed", Timeout = TimeSpan.FromSeconds(3), TempRoot = scratch.Path },
            TextWriter.Null);

        Assert.Equal(VmRunOutcome.TimedOut, result.Outcome);
        Assert.Null(result.QemuExitCode);
        AssertNothingLeft(scratch.Path);
    }

    [Fact]
    public async Task Cancellation_StopsQemuAndRemovesTemporaryFiles()
    {
        using var scratch = new Scratch();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = _fixture.ImagePath, Expect = Marker, Timeout = Generous, TempRoot = scratch.Path },
            TextWriter.Null,
            cts.Token));

        AssertNothingLeft(scratch.Path);
    }

    [Fact]
    public async Task Seed_InstanceIdReachesTheGuest()
    {
        using var scratch = new Scratch();
        var seed = Directory.CreateDirectory(scratch.File("seed")).FullName;
        var instanceId = "iid-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(seed, "meta-data"), $"instance-id: {instanceId}\nlocal-hostname: fixture\n");
        await File.WriteAllTextAsync(Path.Combine(seed, "user-data"), "#cloud-config\n");
        var temp = Directory.CreateDirectory(scratch.File("temp")).FullName;
        var console = new StringWriter();

        var result = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = _fixture.ImagePath, SeedDirectory = seed, Expect = "seed instance-id: " + instanceId, Timeout = Generous, TempRoot = temp },
            console);

        Assert.True(result.Outcome == VmRunOutcome.ExpectedTextSeen, string.Join('\n', result.LastConsoleLines));
        AssertNothingLeft(temp);
    }

    [Fact]
    public async Task Keep_GuestWritesReachTheImage()
    {
        using var scratch = new Scratch();
        var image = scratch.File("disk.raw");
        File.Copy(_fixture.ImagePath, image);
        var before = Hash(image);
        var temp = Directory.CreateDirectory(scratch.File("temp")).FullName;

        var result = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = image, Keep = true, Expect = PowerOff, Timeout = Generous, TempRoot = temp },
            TextWriter.Null);

        Assert.Equal(VmRunOutcome.ExpectedTextSeen, result.Outcome);
        Assert.NotEqual(before, Hash(image));
        Assert.Equal("KEEL-SCRATCH boot-count 1", BootFixture.ReadScratchHeader(image));
        AssertNothingLeft(temp);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>The run's directory under <paramref name="tempRoot"/> is gone and no process mentions it.</summary>
    private static void AssertNothingLeft(string tempRoot)
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(tempRoot));
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(proc, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            Assert.False(cmdline.Contains(tempRoot, StringComparison.Ordinal), $"a process still uses {tempRoot}: {cmdline.Replace('\0', ' ')}");
        }
    }
}
