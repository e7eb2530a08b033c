using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Install;
using Keel.Install.Devices;
using Keel.Tests;

namespace Keel.Installer.Tests;

public sealed class AfterInstallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-after").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private Keel.Install.Planning.Plan PlanFor(string target)
    {
        var loaded = ConfigLoader.Parse("apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: minimal\n", Path.Combine(_dir, "c.yaml"), _dir).Config!;
        return new InstallEngine().PlanImage(loaded, PackageRequest.Build(loaded, PresetCatalog.CreateDefault()), target);
    }

    [Fact]
    public async Task The_boot_entry_names_the_disk_the_esp_and_systemd_boot()
    {
        var efivars = Directory.CreateDirectory(Path.Combine(_dir, "efivars")).FullName;
        var system = new FakeSystem();
        using var log = new InstallLog(null);
        var plan = PlanFor(Path.Combine(_dir, "disk.raw"));
        var line = await EfiBootEntry.CreateAsync(plan, "Keel fixture", new InstallerOptions { EfiVariables = efivars }, system, log, default);
        Assert.Equal($"efibootmgr --create --disk {_dir}/disk.raw --part 1 --label Keel fixture --loader \\EFI\\systemd\\systemd-bootx64.efi", Assert.Single(system.Ran));
        Assert.Equal($"EFI boot entry 'Keel fixture' made for {_dir}/disk.raw partition 1", line);
        Assert.Contains("\"type\":\"tool\",\"tool\":\"efibootmgr\"", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_efi_variables_or_for_a_loop_device_there_is_only_a_line()
    {
        var system = new FakeSystem();
        using var log = new InstallLog(null);
        var none = await EfiBootEntry.CreateAsync(PlanFor(Path.Combine(_dir, "disk.raw")), "K", new InstallerOptions { EfiVariables = Path.Combine(_dir, "none") }, system, log, default);
        Assert.StartsWith("warning: no EFI variables", none, StringComparison.Ordinal);
        var loop = await EfiBootEntry.CreateAsync(PlanFor(Path.Combine(_dir, "loop7")), "K", new InstallerOptions { EfiVariables = _dir }, system, log, default);
        Assert.StartsWith("no EFI boot entry for", loop, StringComparison.Ordinal);
        Assert.Empty(system.Ran);
    }

    [Fact]
    public async Task The_disk_holding_the_medium_carries_the_install_medium_refusal()
    {
        using var loop = new LoopDevice(Path.Combine(_dir, "medium.img"), 64L << 20);
        var mountPoint = Path.Combine(_dir, "medium");
        loop.PartitionAndMount(mountPoint);
        var disks = await new DiskLister(new InstallTargetGuard()).ListAsync(null, mountPoint, default);
        var medium = Assert.Single(disks, d => d.Path == loop.Device);
        Assert.Contains(medium.Refusals, r => r.Code == TargetRefusal.InstallMedium);
    }
}
