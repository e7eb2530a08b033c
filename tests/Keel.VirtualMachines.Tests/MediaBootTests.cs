using System.Security.Cryptography;

namespace Keel.VirtualMachines.Tests;

/// <summary>
/// A hybrid ISO made the medium's way (the boot fixture's ESP appended as GPT partition 2 and used as the El Torito
/// UEFI image, DESIGN.md), for the media boots below.
/// </summary>
public sealed class HybridIsoFixture : IDisposable
{
    public HybridIsoFixture()
    {
        var disk = new BootFixture().ImagePath;
        Directory = System.IO.Directory.CreateTempSubdirectory("keel-vm-media-").FullName;
        var (first, last) = BootFixture.PartitionExtent(disk, 1);
        var esp = Path.Combine(Directory, "esp.img");
        using (var source = File.OpenRead(disk))
        using (var target = File.Create(esp))
        {
            source.Position = first * 512;
            var buffer = new byte[(last - first + 1) * 512];
            source.ReadExactly(buffer);
            target.Write(buffer);
        }

        var tree = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "tree")).FullName;
        File.WriteAllText(Path.Combine(tree, "README"), "keel vm run media test\n");
        IsoPath = Path.Combine(Directory, "medium.iso");
        Tools.Run(
            "xorriso", "-as", "mkisofs", "-o", IsoPath, "-R", "-J", "-V", "KEELTEST", "-iso-level", "3",
            "-append_partition", "2", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", esp, "-appended_part_as_gpt",
            "-e", "--interval:appended_partition_2:all::", "-no-emul-boot", "-partition_offset", "16", tree);

        // An install target the firmware cannot boot: the fixture disk with its ESP wiped, so only the medium boots, but
        // its scratch partition (which the guest's boot counter writes) is still there.
        TargetTemplate = Path.Combine(Directory, "target.raw");
        File.Copy(disk, TargetTemplate);
        using var stream = File.OpenWrite(TargetTemplate);
        stream.Position = first * 512;
        stream.Write(new byte[(last - first + 1) * 512]);
    }

    public string Directory { get; }

    public string IsoPath { get; }

    public string TargetTemplate { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>Real boots from --cdrom and --usb with an install target on --disk (TCG; each takes several seconds).</summary>
public sealed class MediaBootTests : IClassFixture<HybridIsoFixture>
{
    private const string PowerOff = "KEEL-BOOT-FIXTURE powering off";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);

    private readonly HybridIsoFixture _media;

    public MediaBootTests(HybridIsoFixture media)
    {
        _media = media;
    }

    [Fact]
    public async Task Cdrom_BootsTheMedium_WritesTheDiskInPlace_AndKeepsTheVariableStore()
    {
        using var scratch = new Scratch();
        var target = scratch.File("target.raw");
        File.Copy(_media.TargetTemplate, target);
        var vars = scratch.File("vars.fd");
        var iso = Hash(_media.IsoPath);
        var temp = Directory.CreateDirectory(scratch.File("temp")).FullName;
        var console = new StringWriter();

        var result = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { CdromPath = _media.IsoPath, Disks = [target], FirmwareVarsPath = vars, Expect = PowerOff, Timeout = Generous, TempRoot = temp },
            console);

        Assert.True(result.Outcome == VmRunOutcome.ExpectedTextSeen, string.Join('\n', result.LastConsoleLines));
        // OVMF names the device it boots: the AHCI CD-ROM.
        Assert.Contains("DVD-ROM", console.ToString(), StringComparison.Ordinal);
        // The guest's write reached the --disk file itself.
        Assert.Equal("KEEL-SCRATCH boot-count 1", BootFixture.ReadScratchHeader(target));
        Assert.Equal(iso, Hash(_media.IsoPath));
        // The store was made from the template and kept, with what the firmware wrote into it.
        var template = File.ReadAllBytes("/usr/share/OVMF/OVMF_VARS_4M.fd");
        var kept = File.ReadAllBytes(vars);
        Assert.Equal(template.Length, kept.Length);
        Assert.NotEqual(template, kept);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }

    [Fact]
    public async Task Usb_BootsTheSameMedium_ReadOnly()
    {
        using var scratch = new Scratch();
        var target = scratch.File("target.raw");
        File.Copy(_media.TargetTemplate, target);
        var iso = Hash(_media.IsoPath);
        var console = new StringWriter();

        var result = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { UsbPath = _media.IsoPath, Disks = [target], Expect = PowerOff, Timeout = Generous, TempRoot = Directory.CreateDirectory(scratch.File("temp")).FullName },
            console);

        Assert.True(result.Outcome == VmRunOutcome.ExpectedTextSeen, string.Join('\n', result.LastConsoleLines));
        Assert.Contains("USB", console.ToString(), StringComparison.Ordinal);
        Assert.Equal("KEEL-SCRATCH boot-count 1", BootFixture.ReadScratchHeader(target));
        Assert.Equal(iso, Hash(_media.IsoPath));
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
