using Keel.Config.Model;
using Keel.Errors;
using Keel.Install.Devices;
using Keel.Installer;
using Keel.Installer.Service.Probes;
using Keel.Processes;

namespace Keel.Installer.Service.Tests.Probes;

/// <summary>
/// The live probe on real filesystem images made by the real tools (mkfs.vfat + mtools, mkfs.ext4 -d, xorriso), passed
/// as the partitions of a described USB stick: the host kernel mounts neither vfat nor iso9660, so this is also how the
/// probe reads them on the medium, in user space.
/// </summary>
public sealed class LiveMachineProbeTests : IDisposable
{
    private const string Ed = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvorNDL4kngPfrhridY7eIC2AW6inToPQMKjS6S6Tx admin@laptop";
    private const string Ecdsa = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOAeDxqBeRj9SbFaz/9kDFiFxCRVN0Jw4ILeZ1rHIVpjiQ3hAuilMgNHH4dOREdlwgmrC0HBDDZLIOHPiULFndc= ops@jumphost";
    private const string Backup = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGQim8Jo4rqdGRy3fJjXPRmsOmQwVF85x4chF+hZ8AqC backup@keel";

    private readonly string dir = Directory.CreateTempSubdirectory("keel-live-probe-test-").FullName;
    private readonly RecordingSystem system = new();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static async Task Run(string tool, params string[] args) => await ToolRunner.RunAsync(new ToolOptions(), tool, args, CancellationToken.None);

    private async Task<string> VfatAsync()
    {
        var image = Path.Combine(dir, "stick-vfat.img");
        await Run("mkfs.vfat", "-n", "KEYS", "-C", image, "8192");
        var keys = Path.Combine(dir, "vfat-keys");
        await File.WriteAllTextAsync(keys, $"# for the new machine\n{Ed}\n\n{Ecdsa}\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvor-broken admin@laptop\n");
        await Run("mcopy", "-i", image, keys, "::/authorized_keys");
        await Run("mmd", "-i", image, "::/keel");
        await File.WriteAllTextAsync(keys, Backup + "\n");
        await Run("mcopy", "-i", image, keys, "::/keel/authorized_keys");
        await Run("mcopy", "-i", image, keys, "::/backup.pub");
        await Run("mcopy", "-i", image, keys, "::/my backup key.pub");
        await File.WriteAllTextAsync(keys, new string('A', 1024 * 1024 + 1));
        await Run("mcopy", "-i", image, keys, "::/huge.pub");
        await File.WriteAllTextAsync(keys, "not keys");
        await Run("mcopy", "-i", image, keys, "::/notes.txt");
        return image;
    }

    private async Task<string> Ext4Async(string name, Action<string> fill)
    {
        var tree = Directory.CreateDirectory(Path.Combine(dir, name + "-tree")).FullName;
        fill(tree);
        var image = Path.Combine(dir, name + ".img");
        await Run("mkfs.ext4", "-q", "-d", tree, image, "8M");
        return image;
    }

    private Task<string> KeysExt4Async() => Ext4Async("stick-ext4", tree =>
    {
        File.WriteAllText(Path.Combine(tree, "authorized_keys"), $"from=\"10.0.0.0/8\" {Ed}\n");
        File.WriteAllText(Path.Combine(tree, "ops.pub"), Ecdsa + "\n");
        File.WriteAllText(Path.Combine(tree, "ops key.pub"), Ecdsa + "\n");
        File.CreateSymbolicLink(Path.Combine(tree, "shadow.pub"), "/etc/shadow");
    });

    private Task<string> FedoraAsync() => Ext4Async("fedora-root", tree =>
    {
        Directory.CreateDirectory(Path.Combine(tree, "usr", "lib"));
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        File.WriteAllText(Path.Combine(tree, "usr", "lib", "os-release"), "NAME=\"Fedora Linux\"\nVERSION=\"41 (Server Edition)\"\nPRETTY_NAME=\"Fedora Linux 41 (Server Edition)\"\n");
        File.CreateSymbolicLink(Path.Combine(tree, "etc", "os-release"), "../usr/lib/os-release");
    });

    private async Task<string> IsoAsync()
    {
        var tree = Directory.CreateDirectory(Path.Combine(dir, "iso-tree", "keel")).Parent!.FullName;
        await File.WriteAllTextAsync(Path.Combine(tree, "keel", "authorized_keys"), Backup + "\n");
        var image = Path.Combine(dir, "keys.iso");
        await Run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-o", image, tree);
        return image;
    }

    private static DiskInfo Disk(string path, bool removable, string? transport, long size, IReadOnlyList<PartitionInfo> partitions, params TargetRefusal[] refusals) =>
        new(path, Path.GetFileName(path), [$"/dev/disk/by-id/test-{Path.GetFileName(path)}"], null, null, "Test Disk", size, 512, 512, removable, false, false, transport, partitions, refusals);

    private LiveMachineProbe Probe(IReadOnlyList<DiskInfo> disks, Func<string, string?>? findTool = null, string? procFilesystems = null) =>
        new(system, (_, _) => Task.FromResult(disks), findTool: findTool, procFilesystems: procFilesystems ?? "/proc/filesystems");

    [Fact]
    public async Task Keys_are_found_on_vfat_ext4_and_iso9660_with_every_problem_reported_and_nothing_mounted()
    {
        var vfat = await VfatAsync();
        var ext4 = await KeysExt4Async();
        var iso = await IsoAsync();
        var stick = Disk("/dev/sdz", removable: true, "usb", 64L << 20,
        [
            new(vfat, 8L << 20, "vfat", "KEYS"), new(ext4, 8L << 20, "ext4", null), new(iso, 1L << 20, "iso9660", null),
        ]);
        var fixedDisk = Disk("/dev/vdz", removable: false, "virtio", 32L << 30, [new(await FedoraAsync(), 8L << 20, "ext4", "root")]);

        var keys = await Probe([fixedDisk, stick]).FindKeysAsync(CancellationToken.None);

        // Nothing from the fixed disk: only removable volumes are searched.
        Assert.DoesNotContain(keys, k => k.Volume.Contains("fedora", StringComparison.Ordinal));
        var onVfat = keys.Where(k => k.Volume == vfat).ToList();
        Assert.Equal(["admin@laptop", "ops@jumphost"], onVfat.Where(k => k.Valid && k.File == "authorized_keys").Select(k => k.Comment));
        var broken = Assert.Single(onVfat, k => k.File == "authorized_keys" && !k.Valid);
        Assert.Equal("line 5: not base64", broken.Problem);
        Assert.Equal(Backup, Assert.Single(onVfat, k => k.File == "keel/authorized_keys").KeyLine);
        Assert.Equal(Backup, Assert.Single(onVfat, k => k.File == "backup.pub").KeyLine);
        Assert.Equal(Backup, Assert.Single(onVfat, k => k.File == "my backup key.pub").KeyLine);
        var huge = Assert.Single(onVfat, k => k.File == "huge.pub");
        Assert.False(huge.Valid);
        Assert.Contains("larger than the 1 MiB a key file may be; not read", huge.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(onVfat, k => k.File == "notes.txt");

        var onExt4 = keys.Where(k => k.Volume == ext4).ToList();
        Assert.Equal($"from=\"10.0.0.0/8\" {Ed}", Assert.Single(onExt4, k => k.File == "authorized_keys").KeyLine);
        Assert.Equal("ops@jumphost", Assert.Single(onExt4, k => k.File == "ops.pub").Comment);
        Assert.Equal("ops@jumphost", Assert.Single(onExt4, k => k.File == "ops key.pub").Comment);
        Assert.Equal("not a regular file (a link or a directory); not read", Assert.Single(onExt4, k => k.File == "shadow.pub").Problem);

        Assert.Equal(Backup, Assert.Single(keys, k => k.Volume == iso).KeyLine);
        Assert.DoesNotContain(system.Tools, t => t is "mount" or "loadkeys");
    }

    [Fact]
    public async Task Facts_show_the_existing_os_the_removable_volumes_and_the_refusals_in_the_profiles_wording()
    {
        var vfat = await VfatAsync();
        var fedora = await FedoraAsync();
        var layout = new StorageConfig();
        var min = DiskLister.MinimumBytes(layout);
        var disks = new[]
        {
            Disk("/dev/nvme9n1", removable: false, "nvme", 512L << 30, [new("/dev/nvme9n1p1", 600L << 20, "vfat", "EFI"), new(fedora, 8L << 20, "ext4", "fedora")]),
            Disk("/dev/vdy", removable: false, "virtio", 1L << 30, [], new TargetRefusal(TargetRefusal.TooSmall, "guard wording"), new TargetRefusal(TargetRefusal.ReadOnly, "is read-only")),
            Disk("/dev/sdz", removable: false, "usb", 64L << 20, [new(vfat, 8L << 20, "vfat", "KEYS")]),
        };

        var facts = await Probe(disks).GetFactsAsync(layout, CancellationToken.None);

        Assert.Equal("Fedora Linux 41 (Server Edition)", facts.Disks[0].ExistingOs);
        Assert.Null(facts.Disks[2].ExistingOs);
        Assert.Equal([DiskRefusals.TooSmall(1L << 30, min), "is read-only"], facts.Disks[1].Refusals);
        Assert.StartsWith("too small: 1 GiB, the layout needs at least ", facts.Disks[1].Refusals[0], StringComparison.Ordinal);
        var volume = Assert.Single(facts.Removable);
        Assert.Equal((vfat, "vfat", "KEYS", true), (volume.Device, volume.FsType, volume.Label, volume.Writable));
        Assert.DoesNotContain(facts.Interfaces, i => i.Name == "lo");
        Assert.Equal("/dev/disk/by-id/test-nvme9n1", facts.Disks[0].ById);
    }

    [Fact]
    public async Task Saving_round_trips_on_vfat_and_is_refused_elsewhere()
    {
        var vfat = await VfatAsync();
        var ext4 = await KeysExt4Async();
        var probe = Probe([Disk("/dev/sdz", removable: true, "usb", 64L << 20, [new(vfat, 8L << 20, "vfat", "KEYS"), new(ext4, 8L << 20, "ext4", null)])]);
        const string yaml = "apiVersion: keel/v1\npreset: container-host\nhostname: rack3-node7\n";

        Assert.Equal($"{vfat}:/keel.yaml", await probe.SaveToVolumeAsync(vfat, "keel.yaml", "old\n", CancellationToken.None));
        Assert.Equal($"{vfat}:/keel.yaml", await probe.SaveToVolumeAsync(vfat, "keel.yaml", yaml, CancellationToken.None));
        var back = await ToolRunner.RunAsync(new ToolOptions(), "mtype", ["-i", vfat, "::/keel.yaml"], CancellationToken.None);
        Assert.Equal(yaml, back.Output);

        var onExt4 = await Assert.ThrowsAsync<KeelException>(() => probe.SaveToVolumeAsync(ext4, "keel.yaml", yaml, CancellationToken.None));
        Assert.Equal($"{ext4}: a config is saved only to a vfat volume, this one is ext4", onExt4.Message);
        var unknown = await Assert.ThrowsAsync<KeelException>(() => probe.SaveToVolumeAsync("/dev/sda", "keel.yaml", yaml, CancellationToken.None));
        Assert.Equal("/dev/sda: not a removable volume of this machine", unknown.Message);
        await Assert.ThrowsAsync<KeelException>(() => probe.SaveToVolumeAsync(vfat, "sub/keel.yaml", yaml, CancellationToken.None));
    }

    [Fact]
    public async Task Iso9660_without_xorriso_and_exfat_without_kernel_support_are_findings()
    {
        var noExfat = Path.Combine(dir, "filesystems");
        await File.WriteAllTextAsync(noExfat, "nodev\tsysfs\n\text4\n");
        var probe = Probe(
            [Disk("/dev/sdz", removable: true, "usb", 64L << 20, [new("/dev/sdz1", 1L << 20, "iso9660", null), new("/dev/sdz2", 1L << 20, "exfat", null), new("/dev/sdz3", 1L << 20, "ntfs", null)])],
            findTool: name => name == "xorriso" ? null : ToolLookup.Find(name),
            procFilesystems: noExfat);

        var keys = await probe.FindKeysAsync(CancellationToken.None);

        Assert.Equal(
            ["cannot read iso9660 here: xorriso is not installed", "cannot read exfat here: the kernel has no exfat support", "not searched for keys: ntfs (keys are read from vfat, ext2, ext3, ext4, iso9660, exfat)"],
            keys.Select(k => k.Problem));
        Assert.All(keys, k => Assert.False(k.Valid));
        Assert.Empty(system.Tools);
    }

    [Fact]
    public async Task The_keyboard_is_loaded_with_loadkeys_only_for_a_valid_name_and_only_when_loadkeys_exists()
    {
        var withLoadkeys = Probe([], findTool: name => name == "loadkeys" ? "/usr/bin/loadkeys" : null);
        var loaded = await withLoadkeys.ApplyKeyboardAsync("de-nodeadkeys", CancellationToken.None);
        Assert.Equal((true, "keyboard de-nodeadkeys loaded"), (loaded.Done, loaded.Message));
        Assert.Equal(["loadkeys de-nodeadkeys"], system.Commands);

        var bad = await withLoadkeys.ApplyKeyboardAsync("de;reboot", CancellationToken.None);
        Assert.False(bad.Done);
        Assert.Equal("'de;reboot' is not a keymap name (letters, digits, '_', '.', '-')", bad.Message);
        Assert.False((await withLoadkeys.ApplyKeyboardAsync("-C/dev/tty1", CancellationToken.None)).Done);
        Assert.Single(system.Commands);

        var without = await Probe([], findTool: _ => null).ApplyKeyboardAsync("us", CancellationToken.None);
        Assert.Equal((false, "keyboard 'us' not loaded: no loadkeys on this system"), (without.Done, without.Message));
        Assert.Single(system.Commands);
    }

    [Fact]
    public void A_partition_table_is_not_a_volume_and_a_read_only_stick_is_not_writable()
    {
        var volumes = LiveMachineProbe.Volumes(
        [
            Disk("/dev/sdy", removable: true, "usb", 1L << 30, [new("/dev/sdy", 1L << 30, "gpt", null)]),
            new DiskInfo("/dev/sdx", "sdx", [], null, null, null, 1L << 30, 512, 512, true, false, true, "usb", [new("/dev/sdx1", 1L << 30, "vfat", "RO")], []),
            Disk("/dev/sdw", removable: false, "sata", 1L << 30, [new("/dev/sdw1", 1L << 30, "vfat", "ESP")]),
        ]);

        var only = Assert.Single(volumes);
        Assert.Equal(("/dev/sdx1", false), (only.Device, only.Writable));
    }

    /// <summary>Runs every tool for real except loadkeys (a test never changes the host's console keymap), and records each.</summary>
    private sealed class RecordingSystem : ISystemAccess
    {
        private readonly HostSystemAccess host = new();

        public List<string> Commands { get; } = [];

        public IEnumerable<string> Tools => Commands.Select(c => c.Split(' ')[0]);

        public Task<IReadOnlyList<string>> FindByLabelAsync(string label, CancellationToken cancellationToken) => host.FindByLabelAsync(label, cancellationToken);

        public Task<IReadOnlyList<string>> FindByTypeAsync(string type, CancellationToken cancellationToken) => host.FindByTypeAsync(type, cancellationToken);

        public Task<string?> FilesystemTypeAsync(string device, CancellationToken cancellationToken) => host.FilesystemTypeAsync(device, cancellationToken);

        public Task MountReadOnlyAsync(string device, string mountPoint, string? type, CancellationToken cancellationToken)
        {
            Commands.Add($"mount {device}");
            return host.MountReadOnlyAsync(device, mountPoint, type, cancellationToken);
        }

        public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) => host.UnmountAsync(mountPoint, cancellationToken);

        public Task<bool> CopyFromFatAsync(string device, string name, string destination, CancellationToken cancellationToken) => host.CopyFromFatAsync(device, name, destination, cancellationToken);

        public Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, bool allowFailure, CancellationToken cancellationToken)
        {
            Commands.Add(string.Join(' ', arguments.Prepend(tool)));
            return tool == "loadkeys" ? Task.FromResult(new ToolResult(0, "", "")) : host.RunAsync(tool, arguments, allowFailure, cancellationToken);
        }
    }
}
