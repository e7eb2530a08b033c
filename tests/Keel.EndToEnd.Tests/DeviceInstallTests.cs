using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;
using Keel.Tests;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>`keel install` onto a real loop device: the disk it leaves boots.</summary>
public sealed class DeviceInstallTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = EndToEnd.Scratch("install");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task An_install_onto_a_loop_device_boots()
    {
        var config = EndToEnd.Load(EndToEnd.WriteConfig(_work, "minimal", extra: EndToEnd.PrintPackagesAtBoot));
        var backing = Path.Combine(_work, "disk.raw");
        DeviceInstallResult result;
        using (var loop = new LoopDevice(backing, 2L << 30))
        {
            result = await new DeviceInstaller(new DeviceInstallOptions { Device = loop.Device, Cache = new KeelCache(Path.Combine(_work, "cache")) })
                .InstallAsync(config, PackageRequest.Build(config, PresetCatalog.CreateDefault()));
            Assert.Equal(loop.Device, result.Device);

            // The kernel sees the new partitions, with the filesystems the layout asked for.
            var blkid = LoopDevice.Run("blkid", "-p", "-o", "export", loop.Partition(2));
            Assert.Contains("TYPE=ext4", blkid, StringComparison.Ordinal);
            Assert.Contains("LABEL=root", blkid, StringComparison.Ordinal);
        }

        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = backing, Expect = BootedImageTests.Banner, Timeout = EndToEnd.BootTimeout, MemoryMiB = 768, TempRoot = _work }, console);
        output.WriteLine(console.ToString());
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(console.ToString())}");
        var inGuest = EndToEnd.Between(console.ToString(), "KEEL-RPMQA-BEGIN", "KEEL-RPMQA-END").Where(l => !l.StartsWith("gpg-pubkey-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(result.Packages, inGuest);
    }
}
