using Keel.Installer.Api;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>The disk screen's answers: roles in one sentence, boot problems in words, passphrase and size errors on their fields.</summary>
public sealed class StorageProposalTests
{
    [Fact]
    public async Task The_guided_layout_explains_each_partition_with_its_computed_size()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        var proposal = await service.Client.UpdateStorageAsync(new StorageSettings("/dev/disk/by-id/virtio-keel-disk-0001", LayoutMode.Guided, false), default);
        Assert.True(proposal.Boots, string.Join("; ", proposal.Problems));
        Assert.Empty(proposal.Errors);
        Assert.Equal(["esp", "root"], proposal.Partitions.Select(p => p.Label));
        Assert.Equal("EFI system partition: the firmware loads the boot loader from here; 512 MiB, vfat", proposal.Partitions[0].Role);
        Assert.Equal(512L << 20, proposal.Partitions[0].SizeBytes);

        // 32 GiB less the first MiB, the ESP and the backup GPT's last (partial) MiB.
        Assert.Equal((32L << 30) - (1L << 20) - (512L << 20) - (1L << 20), proposal.Partitions[1].SizeBytes);
        Assert.StartsWith("Root filesystem: ", proposal.Partitions[1].Role, StringComparison.Ordinal);
        Assert.Equal("/dev/disk/by-id/virtio-keel-disk-0001", (await service.Client.GetSessionAsync(default)).Storage!.Disk);
        Assert.Contains("/dev/disk/by-id/virtio-keel-disk-0001", await service.Client.GetConfigYamlAsync(default), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passphrases_that_differ_or_are_short_are_errors_on_the_passphrase()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        var differ = await service.Client.UpdateStorageAsync(new StorageSettings("/dev/vda", LayoutMode.Guided, true, "long enough 1", "long enough 2"), default);
        Assert.Contains(differ.Errors, e => e.Field == "storage.encryption.passphrase" && e.Message == "the two passphrases differ");

        var shortOne = await service.Client.UpdateStorageAsync(new StorageSettings("/dev/vda", LayoutMode.Guided, true, "short", "short"), default);
        var error = Assert.Single(shortOne.Errors, e => e.Field != "storage.encryption");
        Assert.Equal("storage.encryption.passphrase", error.Field);
        Assert.Contains("at least 8 characters", error.Message, StringComparison.Ordinal);

        var good = await service.Client.UpdateStorageAsync(new StorageSettings("/dev/vda", LayoutMode.Guided, true, "a good passphrase", "a good passphrase"), default);
        Assert.DoesNotContain(good.Errors, e => e.Field == "storage.encryption.passphrase");

        // The engine's own refusals for the target come with the proposal, not first at the review.
        Assert.All(good.Errors, e => Assert.Equal("storage.encryption", e.Field));
        Assert.True(good.Partitions.Single(p => p.MountPoint == "/").Encrypted);
        Assert.EndsWith("ext4, encrypted with LUKS2", good.Partitions.Single(p => p.MountPoint == "/").Role, StringComparison.Ordinal);

        var state = await service.Client.GetSessionAsync(default);
        Assert.Null(state.Storage!.Passphrase);
        Assert.DoesNotContain("a good passphrase", await service.Client.GetConfigYamlAsync(default), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disk_too_small_is_refused_with_both_sizes()
    {
        await using var service = await ServiceUnderTest.StartAsync("too-small");
        var proposal = await service.Client.UpdateStorageAsync(new StorageSettings("/dev/vda", LayoutMode.Guided, false), default);
        Assert.False(proposal.Boots);
        Assert.Contains("the layout needs 1.5 GiB, the disk has 1 GiB", proposal.Problems);
        var error = Assert.Single(proposal.Errors, e => e.Field == "storage.disk");
        Assert.Contains("the layout needs 1.5 GiB, the disk has 1 GiB", error.Message, StringComparison.Ordinal);

        var review = await service.Client.ReviewAsync(default);
        Assert.False(review.Ready);
        Assert.Contains(review.Blockers, b => b.Field == "storage.disk");
    }

    [Fact]
    public async Task A_custom_layout_without_an_esp_and_with_a_mounted_swap_says_why_it_will_not_boot()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        var proposal = await service.Client.UpdateStorageAsync(new StorageSettings("/dev/vda", LayoutMode.Custom, false, Partitions:
        [
            new PartitionSpec(null, "/boot/efi", "512MiB", false, "ext4"),
            new PartitionSpec(null, "/", "4GiB", true, "ext4"),
            new PartitionSpec("swap", "/swap", "1GiB", false, "swap"),
        ]), default);
        Assert.False(proposal.Boots);
        Assert.Contains(proposal.Problems, p => p.Contains("/boot/efi is ext4, but the firmware reads only vfat", StringComparison.Ordinal));
        Assert.Contains(proposal.Problems, p => p.Contains("remove the mount point /swap", StringComparison.Ordinal));
        Assert.Contains(proposal.Errors, e => e.Field.StartsWith("storage.partitions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_disk_is_404()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        var ex = await Assert.ThrowsAsync<InstallerApiException>(() => service.Client.UpdateStorageAsync(new StorageSettings("/dev/sdz", LayoutMode.Guided, false), default));
        Assert.Equal(404, ex.StatusCode);
        Assert.Contains("'/dev/sdz' is not a disk of this machine", ex.Message, StringComparison.Ordinal);
    }
}
