using Keel.Config.Model;
using Keel.Errors;
using Keel.Install.Devices;
using Keel.Installer.Service.Probes;
using Keel.Tests;

namespace Keel.Installer.Service.Tests.Probes;

public sealed class ProfileMachineProbeTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("keel-profile-test-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private static string Shipped(string name) => Path.Combine(TestPaths.RepoRoot, "examples", "installer-profiles", name);

    [Theory]
    [InlineData("one-disk.json")]
    [InlineData("several-disks-usb.json")]
    [InlineData("nvme-existing-os.json")]
    [InlineData("too-small.json")]
    public async Task Every_shipped_profile_loads_and_its_facts_repeat_the_file(string file)
    {
        var probe = new ProfileMachineProbe(Shipped(file), scratch);
        var facts = await probe.GetFactsAsync(null, CancellationToken.None);

        Assert.True(probe.DryRun);
        Assert.NotEmpty(facts.Disks);
        Assert.Equal(probe.Profile.Disks!.Select(d => d.Path), facts.Disks.Select(d => d.Path));
        Assert.Equal(probe.Profile.Disks!.Select(d => d.SizeBytes!.Value), facts.Disks.Select(d => d.SizeBytes));
        Assert.NotEmpty(facts.Interfaces);
        Assert.Equal(probe.Profile.Hostname, facts.Hostname);
    }

    [Fact]
    public async Task Too_small_refuses_its_disk_for_the_default_layout_and_says_both_sizes()
    {
        var probe = new ProfileMachineProbe(Shipped("too-small.json"), scratch);
        var layout = new StorageConfig();
        var disk = Assert.Single((await probe.GetFactsAsync(layout, CancellationToken.None)).Disks);

        var refusal = Assert.Single(disk.Refusals);
        Assert.Equal($"too small: 1 GiB, the layout needs at least {Keel.Config.Validation.ByteSize.Format(DiskLister.MinimumBytes(layout))}", refusal);
        Assert.True(disk.SizeBytes < DiskLister.MinimumBytes(layout));

        // Without a layout there is nothing to be too small for.
        Assert.Empty(Assert.Single((await probe.GetFactsAsync(null, CancellationToken.None)).Disks).Refusals);
    }

    [Fact]
    public async Task A_layout_larger_than_the_disk_refuses_it_and_the_medium_and_a_read_only_disk_are_refused_always()
    {
        var probe = new ProfileMachineProbe(Shipped("several-disks-usb.json"), scratch);
        var layout = new StorageConfig { Partitions = [new() { MountPoint = "/", Size = "600GiB", Fs = FilesystemType.Ext4 }] };
        var disks = (await probe.GetFactsAsync(layout, CancellationToken.None)).Disks.ToDictionary(d => d.Path);

        Assert.Contains(disks["/dev/sda"].Refusals, r => r.StartsWith("too small: 465.76 GiB, the layout needs at least 600", StringComparison.Ordinal));
        Assert.Empty(disks["/dev/nvme0n1"].Refusals);
        Assert.Contains(DiskRefusals.HoldsMedium, disks["/dev/sr0"].Refusals);
        Assert.Contains(DiskRefusals.ReadOnly, disks["/dev/sr0"].Refusals);
    }

    [Fact]
    public async Task The_existing_os_and_its_partitions_show()
    {
        var probe = new ProfileMachineProbe(Shipped("nvme-existing-os.json"), scratch);
        var disk = Assert.Single((await probe.GetFactsAsync(null, CancellationToken.None)).Disks);

        Assert.StartsWith("Fedora Linux 41", disk.ExistingOs, StringComparison.Ordinal);
        Assert.Equal(["vfat", "ext4", "ext4"], disk.Partitions.Select(p => p.FsType));
    }

    [Fact]
    public async Task The_usb_stick_gives_three_valid_keys_and_one_broken_line_and_no_readme()
    {
        var probe = new ProfileMachineProbe(Shipped("several-disks-usb.json"), scratch);
        var keys = await probe.FindKeysAsync(CancellationToken.None);

        Assert.All(keys, k => Assert.Equal("/dev/sdb1", k.Volume));
        Assert.DoesNotContain(keys, k => k.File == "README.txt");
        var valid = keys.Where(k => k.Valid).ToList();
        Assert.Equal(["admin@laptop", "ops@jumphost", "backup@keel"], valid.Select(k => k.Comment));
        var broken = Assert.Single(keys, k => !k.Valid);
        Assert.Equal("authorized_keys", broken.File);
        Assert.Equal(5, broken.Line);
        Assert.Equal("line 5: not base64", broken.Problem);
        Assert.Null(broken.KeyLine);

        // The options restricting the backup key survive into the line that would be imported.
        Assert.StartsWith("from=\"10.0.0.0/8\",no-agent-forwarding ssh-ed25519 ", valid[2].KeyLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_writes_into_the_scratch_directory_and_replaces_an_older_copy()
    {
        var probe = new ProfileMachineProbe(Shipped("several-disks-usb.json"), scratch);
        var first = await probe.SaveToVolumeAsync("/dev/sdb1", "keel.yaml", "apiVersion: keel/v1\n", CancellationToken.None);
        var second = await probe.SaveToVolumeAsync("/dev/sdb1", "keel.yaml", "apiVersion: keel/v1\nhostname: x\n", CancellationToken.None);

        Assert.Equal(Path.Combine(scratch, "several-disks-usb", "sdb1", "keel.yaml"), second);
        Assert.Equal(first, second);
        Assert.Equal("apiVersion: keel/v1\nhostname: x\n", await File.ReadAllTextAsync(second));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(second)!));
    }

    [Fact]
    public async Task Saving_refuses_a_path_an_unknown_volume_and_a_symlinked_scratch_directory()
    {
        var probe = new ProfileMachineProbe(Shipped("several-disks-usb.json"), scratch);
        var path = await Assert.ThrowsAsync<KeelException>(() => probe.SaveToVolumeAsync("/dev/sdb1", "../evil", "x", CancellationToken.None));
        Assert.Contains("plain file name", path.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<KeelException>(() => probe.SaveToVolumeAsync("/dev/sda1", "keel.yaml", "x", CancellationToken.None));
        Assert.Equal("/dev/sda1: not a removable volume of the profile several-disks-usb", unknown.Message);

        var elsewhere = Directory.CreateDirectory(Path.Combine(scratch, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(scratch, "several-disks-usb"), elsewhere);
        var link = await Assert.ThrowsAsync<KeelException>(() => probe.SaveToVolumeAsync("/dev/sdb1", "keel.yaml", "x", CancellationToken.None));
        Assert.Equal(ReasonCodes.UnsafePath, link.Reason);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Fact]
    public async Task A_volume_of_a_filesystem_the_live_probe_does_not_read_gives_that_finding()
    {
        var path = Path.Combine(scratch, "ntfs.json");
        await File.WriteAllTextAsync(path, """{"name":"ntfs","disks":[],"removable":[{"device":"/dev/sdb1","fsType":"ntfs","files":{"authorized_keys":"ssh-ed25519 AAAA x"}}]}""");
        var key = Assert.Single(await new ProfileMachineProbe(path, scratch).FindKeysAsync(CancellationToken.None));
        Assert.False(key.Valid);
        Assert.StartsWith("not searched for keys: ntfs", key.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_keyboard_is_never_loaded()
    {
        var probe = new ProfileMachineProbe(Shipped("one-disk.json"), scratch);
        var result = await probe.ApplyKeyboardAsync("de", CancellationToken.None);
        Assert.False(result.Done);
        Assert.Equal("dry run: keyboard 'de' not loaded", result.Message);
    }

    [Theory]
    [InlineData("""{"name":"x","disks":[{"path":"/dev/vda","sizeBytes":"big"}]}""", "p.json: disks[0].sizeBytes: expected a whole number")]
    [InlineData("""{"name":"x","disks":[{"path":"/dev/vda","sise":1}]}""", "p.json: disks[0].sise: the field 'sise' is not known in 'Keel.Installer.Service.Probes.ProfileDisk'")]
    [InlineData("""{"name":"x","disks":[{"path":"/dev/vda"}]}""", "p.json: disks[0].sizeBytes: missing")]
    [InlineData("""{"name":"x","disks":[{"path":"/dev/vda","sizeBytes":1,"removable":"yes"}]}""", "p.json: disks[0].removable: expected true or false")]
    [InlineData("""{"name":"x","disks":{}}""", "p.json: disks: expected a list [...]")]
    [InlineData("""{"name":"x","disks":[{"path":"vda","sizeBytes":1}]}""", "p.json: disks[0].path: 'vda' must be a device path under /dev/")]
    [InlineData("""{"disks":[]}""", "p.json: name: missing")]
    [InlineData("""{"name":"../up","disks":[]}""", "p.json: name: '../up' must be letters, digits, '-', '_' or '.' (it names a directory)")]
    [InlineData("""{"name":"x"}""", "p.json: disks: missing (an empty list [] is a machine without disks)")]
    [InlineData("""{"name":"x","disks":[{"path":"/dev/vda","sizeBytes":10,"partitions":[{"path":"/dev/vda1","sizeBytes":11}]}]}""", "p.json: disks[0].partitions: the partitions add up to 11 bytes, more than the disk's 10")]
    [InlineData("""{"name":"x","disks":[],"removable":[{"device":"/dev/sdb1","files":{"/etc/shadow":""}}]}""", "p.json: removable[0].files: '/etc/shadow' must be a relative path such as authorized_keys or keel/authorized_keys")]
    public void A_bad_profile_is_one_line_naming_the_file_and_the_field(string json, string expected)
    {
        var e = Assert.Throws<KeelException>(() => MachineProfile.Parse(json, "p.json"));
        Assert.Equal(ReasonCodes.InvalidInput, e.Reason);
        Assert.Equal(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_profile_file_names_the_file()
    {
        var path = Path.Combine(scratch, "absent.json");
        var e = Assert.Throws<KeelException>(() => new ProfileMachineProbe(path, scratch));
        Assert.StartsWith(path + ": cannot read the machine profile", e.Message, StringComparison.Ordinal);
    }
}
