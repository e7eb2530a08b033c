using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>A layout beyond the default: /srv on xfs and swap, filled at build time and mounted by the machine from fstab.</summary>
public sealed class LayoutBootTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = EndToEnd.Scratch("layout");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task An_xfs_partition_with_content_and_swap_are_mounted_on_boot()
    {
        var config = EndToEnd.Load(EndToEnd.WriteConfig(_work, "minimal", size: "3GiB", extra: """
            storage:
              partitions:
                - label: esp
                  mountPoint: /boot/efi
                  size: 512MiB
                  fs: vfat
                - label: root
                  mountPoint: /
                  size: 1GiB
                  grow: true
                  fs: ext4
                - label: srv
                  mountPoint: /srv
                  size: 400MiB
                  fs: xfs
                - label: swap
                  size: 128MiB
                  fs: swap
            files:
              - path: /srv/www/hello.txt
                content: "served from xfs\n"
                owner: root:root
              - path: /etc/rc.d/boot.d/50-e2e-layout
                mode: "0755"
                content: |
                  #!/bin/sh
                  echo "KEEL-MOUNT $(grep ' /srv ' /proc/mounts | cut -d' ' -f1-3)"
                  echo "KEEL-HELLO $(cat /srv/www/hello.txt)"
                  echo "KEEL-FSTAB-SWAP $(grep -c ' swap ' /etc/fstab)"

            """));
        var image = Path.Combine(_work, "layout.raw");
        await new ImageBuilder(new ImageBuildOptions { Output = image, Cache = new KeelCache(Path.Combine(_work, "cache")) })
            .BuildAsync(config, PackageRequest.Build(config, PresetCatalog.CreateDefault()));

        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = image, Expect = BootedImageTests.Banner, Timeout = EndToEnd.BootTimeout, MemoryMiB = 768, TempRoot = _work }, console);
        var log = console.ToString().ReplaceLineEndings("\n");
        output.WriteLine(log);
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(log)}");
        Assert.Matches(@"KEEL-MOUNT /dev/vda3 /srv xfs\n", log);
        Assert.Contains("KEEL-HELLO served from xfs\n", log, StringComparison.Ordinal);
        Assert.Contains("KEEL-FSTAB-SWAP 1\n", log, StringComparison.Ordinal);
    }
}
