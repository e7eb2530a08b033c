namespace Keel.VirtualMachines.Tests;

/// <summary>qemu's command line for each kind of disk, medium and network: what is attached, how, and nothing more.</summary>
public sealed class QemuArgumentsTests
{
    private static readonly UefiFirmware Split = new("/fw/CODE.fd", "/fw/VARS.fd");

    private static QemuMachine Image(string? seed = null) => new(VmArchitecture.X86_64, Split, "/run/vars.fd", "/img/a,b.qcow2", DiskImageFormat.Qcow2, seed, 512);

    private static QemuMachine MediaOnly() => new(VmArchitecture.X86_64, Split, "/run/vars.fd", null, DiskImageFormat.Raw, null, 2048);

    /// <summary>The value following <paramref name="option"/> each time it occurs.</summary>
    private static List<string> Values(IReadOnlyList<string> args, string option) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == option && x.i + 1 < args.Count).Select(x => args[x.i + 1]).ToList();

    [Fact]
    public void Default_HasNoNetworkAndUsesTcg()
    {
        var args = Image("/run/seed.img").Arguments();

        Assert.Equal(["tcg"], Values(args, "-accel"));
        Assert.Equal(["none"], Values(args, "-nic"));
        Assert.DoesNotContain(args, a => a.Contains("kvm", StringComparison.Ordinal));
        // qemu splits option values at commas; a comma in a path must arrive doubled.
        Assert.Contains("if=none,id=disk0,format=qcow2,file=/img/a,,b.qcow2", args);
        Assert.Contains("virtio-blk-pci,drive=disk0,bootindex=0", args);
        Assert.Contains("if=none,id=seed,format=raw,readonly=on,file=/run/seed.img", args);
        Assert.DoesNotContain(args, a => a.Contains("xhci", StringComparison.Ordinal) || a.Contains("ide-cd", StringComparison.Ordinal));
    }

    [Fact]
    public void Memory_IsPassedInMiB()
    {
        Assert.Equal(["2048"], Values(MediaOnly().Arguments(), "-m"));
    }

    [Fact]
    public void Cdrom_IsAReadOnlyAhciDrive_AndNothingHasABootIndex()
    {
        var args = (MediaOnly() with { Cdrom = "/iso/installer.iso" }).Arguments();

        Assert.Contains("if=none,id=cdrom,media=cdrom,format=raw,readonly=on,file=/iso/installer.iso", args);
        Assert.Contains("ide-cd,bus=ide.0,drive=cdrom", args);
        // Without an IMAGE the firmware's own boot order decides.
        Assert.DoesNotContain(args, a => a.Contains("bootindex", StringComparison.Ordinal));
        Assert.DoesNotContain(args, a => a.Contains("id=disk0", StringComparison.Ordinal));
    }

    [Fact]
    public void Cdrom_OnAarch64_GoesOnVirtioScsi()
    {
        var machine = new QemuMachine(VmArchitecture.Aarch64, Split, "/run/vars.fd", null, DiskImageFormat.Raw, null, 2048) { Cdrom = "/iso/a.iso" };
        var args = machine.Arguments();

        Assert.Equal(["virt"], Values(args, "-machine"));
        Assert.Contains("scsi-cd,bus=scsi0.0,drive=cdrom", args);
        Assert.DoesNotContain(args, a => a.StartsWith("ide-cd", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "if=none,id=usb,format=raw,readonly=on,file=/iso/stick.iso")]
    [InlineData(true, "if=none,id=usb,format=raw,file=/iso/stick.iso")]
    public void Usb_IsUsbStorageOnXhci_ReadOnlyUnlessWritable(bool writable, string drive)
    {
        var args = (MediaOnly() with { Usb = new VmDisk("/iso/stick.iso", DiskImageFormat.Raw), UsbWritable = writable }).Arguments();

        var devices = Values(args, "-device");
        Assert.Contains("qemu-xhci,id=xhci", devices);
        Assert.Contains("usb-storage,bus=xhci.0,drive=usb,removable=on", devices);
        Assert.Contains(drive, Values(args, "-drive"));
        // The controller exists before the device that sits on it.
        Assert.True(devices.IndexOf("qemu-xhci,id=xhci") < devices.IndexOf("usb-storage,bus=xhci.0,drive=usb,removable=on"));
    }

    [Fact]
    public void Disks_AreWritableVirtioDisks_InOrder_WithSerials_AfterImageAndSeed()
    {
        var machine = Image("/run/seed.img") with { Disks = [new VmDisk("/d/blank.raw", DiskImageFormat.Raw), new VmDisk("/d/data.qcow2", DiskImageFormat.Qcow2)] };
        var drives = Values(machine.Arguments(), "-drive");
        var devices = Values(machine.Arguments(), "-device");

        Assert.Equal(
            [
                "if=none,id=disk0,format=qcow2,file=/img/a,,b.qcow2",
                "if=none,id=seed,format=raw,readonly=on,file=/run/seed.img",
                "if=none,id=keel-disk1,format=raw,file=/d/blank.raw",
                "if=none,id=keel-disk2,format=qcow2,file=/d/data.qcow2",
            ],
            drives.Where(d => !d.StartsWith("if=pflash", StringComparison.Ordinal)));
        Assert.Equal(["virtio-blk-pci,drive=disk0,bootindex=0", "virtio-blk-pci,drive=seed", "virtio-blk-pci,drive=keel-disk1,serial=keel-disk1", "virtio-blk-pci,drive=keel-disk2,serial=keel-disk2"], devices);
        // Written in place: no readonly, no snapshot.
        Assert.DoesNotContain(drives, d => d.Contains("keel-disk", StringComparison.Ordinal) && (d.Contains("readonly", StringComparison.Ordinal) || d.Contains("snapshot", StringComparison.Ordinal)));
    }

    [Fact]
    public void GuestForwards_TurnOnRestrictedUserNetworking()
    {
        var machine = MediaOnly() with { GuestForwards = [GuestForward.Parse("10.0.2.100:80=127.0.0.1:8080"), GuestForward.Parse("10.0.2.101:443=127.0.0.1:8443")] };

        Assert.Equal(
            ["user,model=virtio-net-pci,restrict=on," +
             "guestfwd=tcp:10.0.2.100:80-cmd:bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 2>/dev/null || exit 1; cat <&0 >&3 & cat <&3; kill $! 2>/dev/null'," +
             "guestfwd=tcp:10.0.2.101:443-cmd:bash -c 'exec 3<>/dev/tcp/127.0.0.1/8443 2>/dev/null || exit 1; cat <&0 >&3 & cat <&3; kill $! 2>/dev/null'"],
            Values(machine.Arguments(), "-nic"));
    }

    [Fact]
    public void FirmwareVars_IsTheWritableSecondFlash()
    {
        var args = (MediaOnly() with { FirmwareVars = "/keep/vars.fd" }).Arguments();

        Assert.Equal(["if=pflash,format=raw,unit=0,readonly=on,file=/fw/CODE.fd", "if=pflash,format=raw,unit=1,file=/keep/vars.fd"], Values(args, "-drive"));
    }

    [Fact]
    public void CombinedFirmware_IsLoadedWithBios()
    {
        var machine = new QemuMachine(VmArchitecture.X86_64, new UefiFirmware("/fw/OVMF.fd", null), null, "/img/a.raw", DiskImageFormat.Raw, null, 512);

        Assert.Equal(["/fw/OVMF.fd"], Values(machine.Arguments(), "-bios"));
        Assert.DoesNotContain(machine.Arguments(), a => a.Contains("pflash", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.0.2.100:80=127.0.0.1:8080", "tcp:10.0.2.100:80-cmd:", "/dev/tcp/127.0.0.1/8080 ")]
    [InlineData("10.0.2.4:65535=192.168.1.10:1", "tcp:10.0.2.4:65535-cmd:", "/dev/tcp/192.168.1.10/1 ")]
    public void GuestForward_Parses(string text, string rulePrefix, string hostPart)
    {
        var forward = GuestForward.Parse(text);

        Assert.StartsWith(rulePrefix, forward.QemuRule(), StringComparison.Ordinal);
        Assert.Contains(hostPart, forward.QemuRule(), StringComparison.Ordinal);
        Assert.DoesNotContain(",", forward.QemuRule(), StringComparison.Ordinal);
        Assert.Equal(text, forward.ToString());
    }

    [Theory]
    [InlineData("10.0.2.100:80")]
    [InlineData("10.0.2.100:80=127.0.0.1")]
    [InlineData("10.0.2.100=127.0.0.1:8080")]
    [InlineData("10.0.2.100:0=127.0.0.1:8080")]
    [InlineData("10.0.2.100:80=127.0.0.1:65536")]
    [InlineData("10.0.2.100:80=localhost:8080")]
    [InlineData("10.0.2.100:80=[::1]:8080")]
    [InlineData("10.0.2.100:80=127.1:8080")]
    [InlineData("10.0.2.100:+80=127.0.0.1:8080")]
    [InlineData("10.0.2.100:80=127.0.0.1:8080=x")]
    public void GuestForward_Malformed_IsRejectedWithTheSyntax(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => GuestForward.Parse(text));
        Assert.Equal($"--guestfwd {text}: expected GUESTADDR:PORT=HOSTADDR:PORT with IPv4 addresses, e.g. 10.0.2.100:80=127.0.0.1:8080", ex.Message);
    }

    [Theory]
    [InlineData("192.168.0.5:80=127.0.0.1:8080")]
    [InlineData("10.0.2.2:80=127.0.0.1:8080")]
    [InlineData("10.0.2.3:53=127.0.0.1:5353")]
    [InlineData("10.0.2.15:80=127.0.0.1:8080")]
    [InlineData("10.0.2.255:80=127.0.0.1:8080")]
    public void GuestForward_GuestAddressOutsideTheFreeRange_IsRejected(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => GuestForward.Parse(text));
        Assert.Contains("free address of qemu's user network", ex.Message, StringComparison.Ordinal);
    }
}
