using System.Text.Json;
using Keel.Tests;

namespace Keel.Cli.Tests;

/// <summary>`keel disks --json` and `--device auto` on real loop devices.</summary>
public sealed class DisksCommandTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "keel-disks-" + Guid.NewGuid().ToString("N"));

    public DisksCommandTests() => Directory.CreateDirectory(_work);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Disks_json_lists_loop_devices_with_sizes_and_every_reason()
    {
        using var free = new LoopDevice(Path.Combine(_work, "free"), 2011L << 20);
        using var readOnly = new LoopDevice(Path.Combine(_work, "ro"), 2012L << 20, readOnly: true);
        using var small = new LoopDevice(Path.Combine(_work, "small"), 1000L << 20);
        using var mounted = new LoopDevice(Path.Combine(_work, "mounted"), 2013L << 20);
        mounted.PartitionAndMount(Path.Combine(_work, "mnt"));

        var (exit, stdout, stderr) = await CliRunner.RunAsync("disks", "--json", "--config", WriteConfig("{minSize: 1GiB}"));
        Assert.True(exit == 0, stderr);
        var disks = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToDictionary(d => d.GetProperty("path").GetString()!);
        string[] Codes(LoopDevice l) => disks[l.Device].GetProperty("refusals").EnumerateArray().Select(r => r.GetProperty("code").GetString()!).ToArray();

        Assert.Equal(2011L << 20, disks[free.Device].GetProperty("sizeBytes").GetInt64());
        Assert.Equal("loop", disks[free.Device].GetProperty("transport").GetString());
        Assert.Empty(Codes(free));
        Assert.Equal(["read-only"], Codes(readOnly));
        Assert.Equal(["too-small"], Codes(small));
        Assert.Equal(["mounted"], Codes(mounted));
        var partition = Assert.Single(disks[mounted.Device].GetProperty("partitions").EnumerateArray());
        Assert.Equal("ext4", partition.GetProperty("fsType").GetString());
    }

    [Fact]
    public async Task A_selector_matching_two_disks_is_refused_naming_both_and_one_matching_is_planned()
    {
        using var a = new LoopDevice(Path.Combine(_work, "a"), 2017L << 20);
        using var b = new LoopDevice(Path.Combine(_work, "b"), 2018L << 20);

        var (exit, _, stderr) = await CliRunner.RunAsync("plan", WriteConfig("{transport: loop, minSize: 2017MiB, maxSize: 2018MiB}"), "--device", "auto");
        Assert.Equal(1, exit);
        Assert.Equal($"keel: storage.disk: the selector matches 2 disks, it must match exactly one: {a.Device}, {b.Device}", stderr.Trim());

        var (ok, stdout, err) = await CliRunner.RunAsync("plan", WriteConfig("{transport: loop, minSize: 2018MiB, maxSize: 2018MiB, empty: true}"), "--device", "auto", "--json");
        Assert.True(ok == 0, err);
        Assert.Contains($"\"{b.Device}\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain($"\"{a.Device}\"", stdout, StringComparison.Ordinal);
    }

    private string WriteConfig(string selector)
    {
        var repo = Environment.GetEnvironmentVariable("KEEL_FIXTURE_REPO") ?? Path.Combine(TestPaths.RepoRoot, ".work", "fixture-repo");
        var path = Path.Combine(_work, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, $"""
            apiVersion: keel/v1
            kind: Machine
            distribution: fixture
            preset: minimal
            repositories:
              - id: keel-fixture
                path: {repo}
                gpgkeys:
                  - {repo}/RPM-GPG-KEY-keel-fixture
            hostname: disks-test
            output:
              size: 2GiB
            storage:
              disk: {selector}
            """);
        return path;
    }
}
