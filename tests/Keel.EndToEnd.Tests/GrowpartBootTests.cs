using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;
using Keel.Tests;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Issue 13's booted must-show: a fixture image with keel-agent whose qcow2 was enlarged by 1 GiB before its first boot
/// comes up with the root partition reaching the end of the disk and the root filesystem filling the partition
/// (keel-agent's growpart + resizefs with cloud-init's defaults: the seed names neither).
/// Needs the fixture distribution to ship cloud-utils-growpart (growpart, with sfdisk and partx) in the image.
/// Written without being run on the machine it was written on (no VM could be started there).
/// </summary>
public sealed partial class GrowpartBootTests(ITestOutputHelper output) : IDisposable
{
    private const long GrowBytes = 1L << 30;
    private readonly string _work = EndToEnd.Scratch("growpart");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task An_enlarged_disk_is_filled_by_the_root_filesystem_after_first_boot()
    {
        var agentRepo = EndToEnd.AgentRepository();
        var config = EndToEnd.WriteConfig(_work, "minimal", moreRepositories: $"""
              - id: keel-agent
                path: {agentRepo}
                gpgcheck: false
            """, extra: """
            packages:
              include:
                - keel-agent
                - cloud-utils-growpart
                - e2fsprogs
            services:
              enable:
                - keel-agent-local.service
                - keel-agent-final.service
            """);
        var loaded = EndToEnd.Load(config);
        var image = Path.Combine(_work, "grow.qcow2");
        var result = await new ImageBuilder(new ImageBuildOptions { Output = image, Cache = new KeelCache(Path.Combine(_work, "cache")) })
            .BuildAsync(loaded, PackageRequest.Build(loaded, PresetCatalog.CreateDefault()));
        Assert.Contains(result.Packages, p => p.StartsWith("cloud-utils-growpart-", StringComparison.Ordinal));

        // What a cloud does when a VM is given a bigger disk than the image: the virtual disk grows, the partition does not.
        var before = VirtualSize(image);
        Run("qemu-img", "resize", image, "+1G");
        Assert.Equal(before + GrowBytes, VirtualSize(image));

        var seed = Path.Combine(_work, "seed");
        Directory.CreateDirectory(seed);
        File.WriteAllText(Path.Combine(seed, "meta-data"), "instance-id: e2e-growpart-1\n");
        // The root's device from the kernel (mountinfo's major:minor), its disk from sysfs; sizes in 512-byte sectors.
        File.WriteAllText(Path.Combine(seed, "user-data"), """
            #cloud-config
            runcmd:
              - mm=$(awk '$5=="/"{print $3}' /proc/self/mountinfo | tail -n 1); part=$(readlink -f /sys/dev/block/$mm); disk=$(dirname $part); echo "KEEL-GROW-SECTORS part=$(cat $part/size) start=$(cat $part/start) disk=$(cat $disk/size)" > /dev/console
              - echo "KEEL-GROW-FS $(df -Pk / | tail -n 1 | awk '{ printf "%.0f", $2 * 1024 }')" > /dev/console
              - keel-agent analyze | grep -E 'growpart|resizefs' | sed 's/^/KEEL-GROW-MODULE /' > /dev/console
              - echo KEEL-GROW-DONE > /dev/console

            """);

        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = image, SeedDirectory = seed, Expect = "KEEL-GROW-DONE", Timeout = EndToEnd.BootTimeout, MemoryMiB = 768, TempRoot = _work }, console);
        var log = console.ToString().ReplaceLineEndings("\n");
        output.WriteLine(log);
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(log)}");

        var sectors = Sectors().Match(log);
        Assert.True(sectors.Success, EndToEnd.Tail(log));
        var part = long.Parse(sectors.Groups[1].Value, CultureInfo.InvariantCulture);
        var start = long.Parse(sectors.Groups[2].Value, CultureInfo.InvariantCulture);
        var disk = long.Parse(sectors.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.Equal((before + GrowBytes) / 512, disk);
        // growpart leaves only GPT's backup table (33 sectors) and at most a MiB of alignment after the partition.
        Assert.InRange(disk - (start + part), 33, 33 + 2048);

        var fs = long.Parse(Filesystem().Match(log).Groups[1].Value, CultureInfo.InvariantCulture);
        // The filesystem fills its partition but for its own metadata and journal (well under 10 %), and is larger than
        // the whole disk was before the resize: it did grow.
        Assert.InRange(fs, part * 512 * 9 / 10, part * 512);
        Assert.True(fs > before, $"filesystem {fs} bytes is not larger than the whole disk was before ({before}): it did not grow");
        Assert.Matches(@"KEEL-GROW-MODULE\s+growpart\s+ran", log);
        Assert.Matches(@"KEEL-GROW-MODULE\s+resizefs\s+ran", log);
    }

    private static long VirtualSize(string image)
    {
        var json = Run("qemu-img", "info", "--output", "json", image);
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("virtual-size").GetInt64();
    }

    private static string Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr.GetAwaiter().GetResult()}");
        return stdout;
    }

    [GeneratedRegex(@"KEEL-GROW-SECTORS part=(\d+) start=(\d+) disk=(\d+)")]
    private static partial Regex Sectors();

    [GeneratedRegex(@"KEEL-GROW-FS (\d+)")]
    private static partial Regex Filesystem();
}
