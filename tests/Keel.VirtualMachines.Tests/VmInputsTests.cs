namespace Keel.VirtualMachines.Tests;

/// <summary>`keel vm run` input checks: one line naming the option and the file, before anything is created or started.</summary>
public sealed class VmInputsTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string RawImage(string name = "disk.raw")
    {
        var bytes = new byte[4096];
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        File.WriteAllBytes(_scratch.File(name), bytes);
        return _scratch.File(name);
    }

    private string Iso(string name = "medium.iso")
    {
        var bytes = new byte[64 * 1024];
        "\u0001CD001"u8.CopyTo(bytes.AsSpan(16 * 2048));
        File.WriteAllBytes(_scratch.File(name), bytes);
        return _scratch.File(name);
    }

    private string Blank(string name = "blank.raw", int size = 1024 * 1024)
    {
        File.WriteAllBytes(_scratch.File(name), new byte[size]);
        return _scratch.File(name);
    }

    [Fact]
    public void MediaAndDisks_AreResolved_WithFormatsByContent()
    {
        var qcow2 = _scratch.File("data.qcow2");
        File.WriteAllBytes(qcow2, [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3, .. new byte[1000]]);
        var options = new VmRunOptions { CdromPath = Iso(), UsbPath = RawImage("stick.img"), Disks = [Blank(), qcow2] };

        var inputs = VmInputs.Check(options);

        Assert.Null(inputs.Image);
        Assert.Equal(_scratch.File("medium.iso"), inputs.Cdrom);
        Assert.Equal(new VmDisk(_scratch.File("stick.img"), DiskImageFormat.Raw), inputs.Usb);
        // A blank disk has no partition table: it is raw, the usual install target.
        Assert.Equal([new VmDisk(_scratch.File("blank.raw"), DiskImageFormat.Raw), new VmDisk(qcow2, DiskImageFormat.Qcow2)], inputs.Disks);
    }

    [Fact]
    public void MissingDisk_NamesOptionAndFile()
    {
        var missing = _scratch.File("nope.raw");
        var ex = Assert.Throws<FileNotFoundException>(() => VmInputs.Check(new VmRunOptions { ImagePath = RawImage(), Disks = [missing] }));
        Assert.Equal($"--disk {missing}: no such file", ex.Message);
    }

    [Fact]
    public void MissingImage_NamesIt()
    {
        var missing = _scratch.File("nope.raw");
        var ex = Assert.Throws<FileNotFoundException>(() => VmInputs.Check(new VmRunOptions { ImagePath = missing }));
        Assert.Equal($"{missing}: no such file", ex.Message);
    }

    [Theory]
    [InlineData("--cdrom", "an ISO image")]
    [InlineData("--usb", "a disk image")]
    [InlineData("--disk", "a disk file")]
    [InlineData("--firmware-vars", "a variable store file")]
    public void Directory_IsRefused(string option, string what)
    {
        var dir = _scratch.Path;
        var options = option switch
        {
            "--cdrom" => new VmRunOptions { CdromPath = dir },
            "--usb" => new VmRunOptions { UsbPath = dir },
            "--disk" => new VmRunOptions { ImagePath = RawImage(), Disks = [dir] },
            _ => new VmRunOptions { ImagePath = RawImage(), FirmwareVarsPath = dir },
        };

        var ex = Assert.Throws<ArgumentException>(() => VmInputs.Check(options));
        Assert.Equal($"{option} {dir}: is a directory, not {what}", ex.Message);
    }

    [Fact]
    public void SameFileTwice_IsRefused_AlsoThroughASymlink()
    {
        var disk = Blank();
        var link = _scratch.File("link.raw");
        File.CreateSymbolicLink(link, disk);

        var twice = Assert.Throws<ArgumentException>(() => VmInputs.Check(new VmRunOptions { CdromPath = Iso(), Disks = [disk, disk] }));
        Assert.Equal($"--disk {disk}: the same file as --disk {disk}; a file can be attached only once", twice.Message);

        var linked = Assert.Throws<ArgumentException>(() => VmInputs.Check(new VmRunOptions { CdromPath = Iso(), Disks = [disk, link] }));
        Assert.Equal($"--disk {link}: the same file as --disk {disk}; a file can be attached only once", linked.Message);
    }

    [Fact]
    public void ImageAlsoAsDisk_IsRefused()
    {
        var image = RawImage();
        var ex = Assert.Throws<ArgumentException>(() => VmInputs.Check(new VmRunOptions { ImagePath = image, Disks = [image] }));
        Assert.Equal($"--disk {image}: the same file as {image}; a file can be attached only once", ex.Message);
    }

    [Fact]
    public void UsbAndCdromSameFile_IsRefused()
    {
        var iso = Iso();
        var ex = Assert.Throws<ArgumentException>(() => VmInputs.Check(new VmRunOptions { CdromPath = iso, UsbPath = iso }));
        Assert.Contains("the same file as --cdrom", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyDisk_IsRefusedWithAHint()
    {
        var empty = Blank("empty.raw", 0);
        var ex = Assert.Throws<ArgumentException>(() => VmInputs.Check(new VmRunOptions { CdromPath = Iso(), Disks = [empty] }));
        Assert.Equal($"--disk {empty}: the file is empty; give it a size first (truncate -s 8G {empty})", ex.Message);
    }

    [Fact]
    public void CdromThatIsNotAnIso_IsRefused()
    {
        var raw = RawImage();
        var ex = Assert.Throws<InvalidDataException>(() => VmInputs.Check(new VmRunOptions { CdromPath = raw }));
        Assert.Equal($"--cdrom {raw}: not an ISO 9660 image (no CD001 volume descriptor at 32 KiB)", ex.Message);
    }

    [Fact]
    public void UsbThatIsNotADiskImage_IsRefused()
    {
        var text = _scratch.File("notes.txt");
        File.WriteAllText(text, "hello");
        var ex = Assert.Throws<InvalidDataException>(() => VmInputs.Check(new VmRunOptions { UsbPath = text }));
        Assert.StartsWith($"--usb {text}: not a disk image", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceNode_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => VmInputs.Check(new VmRunOptions { CdromPath = Iso(), Disks = ["/dev/null"] }));
        Assert.Equal("--disk /dev/null: not a regular file (/dev/null)", ex.Message);
    }

    [Fact]
    public void FirmwareVars_MayNotExistYet_ButItsDirectoryMust()
    {
        var fresh = _scratch.File("vars.fd");
        Assert.Equal(fresh, VmInputs.Check(new VmRunOptions { CdromPath = Iso(), FirmwareVarsPath = fresh }).FirmwareVars);

        var nowhere = _scratch.File("no-such-dir/vars.fd");
        var ex = Assert.Throws<FileNotFoundException>(() => VmInputs.Check(new VmRunOptions { CdromPath = Iso(), FirmwareVarsPath = nowhere }));
        Assert.Equal($"--firmware-vars {nowhere}: directory {_scratch.File("no-such-dir")} not found", ex.Message);
    }

    [Theory]
    [InlineData(64, null, null)]
    [InlineData(512, -1, null)]
    [InlineData(512, null, "")]
    public void OutOfRangeOptions_AreRejected(int memory, int? timeoutSeconds, string? expect)
    {
        var options = new VmRunOptions
        {
            ImagePath = "x",
            MemoryMiB = memory,
            Timeout = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            Expect = expect,
        };
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void NothingToBoot_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(new VmRunOptions { Disks = ["a.raw"] }.Validate);
        Assert.Equal("nothing to boot: give an IMAGE, --cdrom ISO or --usb IMAGE", ex.Message);
    }

    [Fact]
    public void KeepWithoutImage_AndUsbWritableWithoutUsb_AreRefused()
    {
        Assert.StartsWith("--keep applies to IMAGE", Assert.Throws<ArgumentException>(new VmRunOptions { CdromPath = "a.iso", Keep = true }.Validate).Message, StringComparison.Ordinal);
        Assert.Equal("--usb-writable needs --usb IMAGE", Assert.Throws<ArgumentException>(new VmRunOptions { CdromPath = "a.iso", UsbWritable = true }.Validate).Message);
    }

    [Fact]
    public void SameGuestEndpointTwice_IsRefused()
    {
        var options = new VmRunOptions { CdromPath = "a.iso", GuestForwards = [GuestForward.Parse("10.0.2.100:80=127.0.0.1:8080"), GuestForward.Parse("10.0.2.100:80=127.0.0.1:9090")] };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal("--guestfwd 10.0.2.100:80=127.0.0.1:9090: 10.0.2.100:80 is forwarded twice", ex.Message);
    }
}
