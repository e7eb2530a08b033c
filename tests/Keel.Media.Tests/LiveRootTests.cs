using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Install;
using Keel.Media.Boot;
using Keel.Media.Build;

namespace Keel.Media.Tests;

/// <summary>What makes an installed root the installer's live system, and the command line sealed in its UKI.</summary>
public sealed class LiveRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("keel-live-root-").FullName;

    [Fact]
    public async Task Configure_enables_the_installer_and_writes_network_hostname_and_medium_files()
    {
        Write("usr/lib/systemd/system/keel-installer.service", "[Unit]\nDescription=Keel installer\n[Service]\nExecStart=/usr/bin/keel installer\n[Install]\nWantedBy=multi-user.target\n");
        Write("etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        var info = new MediumInfo { Name = "Test", VolumeLabel = "KEEL_TEST", SigningKeyId = "0123456789ABCDEF" };
        var warnings = await Builder(LiveRootFormat.Squashfs).ConfigureAsync(_root, info, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", default);

        Assert.Empty(warnings);
        var link = new FileInfo(Path.Combine(_root, "etc/systemd/system/multi-user.target.wants/keel-installer.service"));
        Assert.Equal("/usr/lib/systemd/system/keel-installer.service", link.LinkTarget);
        Assert.Equal("keel-installer\n", Read("etc/hostname"));
        Assert.Equal("[Match]\nName=e*\n\n[Network]\nDHCP=yes\n", Read("etc/systemd/network/80-dhcp.network"));
        Assert.Equal("", Read("etc/machine-id"));
        Assert.Contains("\"volumeLabel\": \"KEEL_TEST\"", Read("etc/keel/medium.json"), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", Read("etc/keel/medium-key.asc"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_without_the_installer_unit_gets_a_warning_not_a_failure()
    {
        var warnings = await Builder(LiveRootFormat.Squashfs).ConfigureAsync(_root, new MediumInfo(), "key", default);
        Assert.Contains(warnings, w => w.Contains("keel-installer.service", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LiveRootFormat.Squashfs, "root=live:LABEL=KEEL_TEST rd.live.image console=ttyS0")]
    [InlineData(LiveRootFormat.Erofs, "root=live:LABEL=KEEL_TEST rd.live.image rd.live.squashimg=rootfs.erofs console=ttyS0")]
    [InlineData(LiveRootFormat.Initramfs, "console=ttyS0")]
    public void The_sealed_command_line_names_the_medium_by_label(LiveRootFormat format, string expected) =>
        Assert.Equal(expected, Builder(format).CommandLine());

    [Fact]
    public void Architecture_names_live_in_one_place()
    {
        Assert.Equal("EFI/BOOT/BOOTX64.EFI", EfiNames.For(MachineArchitecture.X86_64).BootFile);
        Assert.Equal("EFI/BOOT/BOOTAA64.EFI", EfiNames.For(MachineArchitecture.Aarch64).BootFile);
        Assert.EndsWith("linuxaa64.efi.stub", EfiNames.For(MachineArchitecture.Aarch64).Stub, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static LiveRootBuilder Builder(LiveRootFormat format)
    {
        var config = new MediumConfig { VolumeLabel = "KEEL_TEST", Live = new LiveEnvironment { Root = format, KernelCommandLine = " console=ttyS0 " } };
        return new LiveRootBuilder(new LoadedMedium("medium.yaml", "/tmp", config, new SourceMap()), PresetCatalog.CreateDefault(), new PackageInstallOptions(), null);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private string Read(string relative) => File.ReadAllText(Path.Combine(_root, relative));
}
