using Keel.Errors;

namespace Keel.Inspection.Tests;

/// <summary>InspectedSystem.OpenImageAsync on a real keel-built image in every output format, and what it leaves behind.</summary>
public sealed class OpenImageTests(BuiltImage image) : IClassFixture<BuiltImage>
{
    [Theory]
    [InlineData("qcow2")]
    [InlineData("raw")]
    [InlineData("vhd")]
    [InlineData("vhdx")]
    public async Task The_root_tree_of_each_format_is_readable_and_everything_is_released(string format)
    {
        var path = format switch
        {
            "qcow2" => image.Qcow2,
            "raw" => image.ConvertTo("raw", "disk.raw"),
            "vhd" => image.ConvertTo("vpc", "disk.vhd", "-o", "subformat=fixed,force_size=on"),
            _ => image.ConvertTo("vhdx", "disk.vhdx"),
        };
        var loopsBefore = Loops();
        string root;
        string? esp;
        await using (var system = await InspectedSystem.OpenImageAsync(path, CancellationToken.None))
        {
            root = system.Root;
            esp = system.EspDirectory;
            Assert.Contains("ID=", await File.ReadAllTextAsync(Path.Combine(root, "etc", "os-release")));
            Assert.Contains("(partition ", system.Description);
            Assert.Contains(system.Partitions, p => p.Kind == PartitionKind.Root);

            // The real rpm reads the image's rpmdb: the tree is the installed system.
            var packages = BuiltImage.Run("rpm", "--root", root, "--dbpath", "/usr/lib/sysimage/rpm", "-qa");
            Assert.Contains("azurelinux-release", packages);

            // The image's filesystem is mounted read-only from a read-only loop device; writes land in scratch space.
            var scratch = Path.GetDirectoryName(root)!;
            var lowerMount = (await File.ReadAllLinesAsync("/proc/self/mountinfo")).Single(l => l.Contains($" {scratch}/lower ", StringComparison.Ordinal));
            Assert.Contains(" ro,", lowerMount);
            Assert.Contains(" ext4 /dev/loop", lowerMount);

            Assert.NotNull(esp);
            Assert.True(Directory.EnumerateFileSystemEntries(esp!, "*", SearchOption.AllDirectories).Any(), "the ESP copy is empty");
        }

        Assert.False(Directory.Exists(root), $"{root} left behind");
        Assert.False(Directory.Exists(esp), $"{esp} left behind");
        Assert.DoesNotContain(root, await File.ReadAllTextAsync("/proc/self/mountinfo"));
        Assert.Equal(loopsBefore, Loops());
    }

    [Fact]
    public async Task A_cancelled_open_leaves_no_mount_loop_device_or_directory()
    {
        var loopsBefore = Loops();
        var scratchBefore = Scratch();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => InspectedSystem.OpenImageAsync(image.Qcow2, cts.Token));
        Assert.Equal(loopsBefore, Loops());
        Assert.Equal(scratchBefore, Scratch());
    }

    [Fact]
    public async Task An_encrypted_root_is_refused_with_a_clear_error()
    {
        var disk = Path.Combine(image.Work, "luks.raw");
        using (var f = File.Create(disk))
        {
            f.SetLength(64L << 20);
        }

        BuiltImage.Run("sgdisk", "-n", "1:2048:+32M", "-t", "1:4f68bce3-e8cd-4db1-96e7-fbcaf984b709", disk);
        using (var f = File.OpenWrite(disk))
        {
            f.Seek(2048 * 512, SeekOrigin.Begin);
            f.Write([(byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE, 0, 2]);
        }

        var scratchBefore = Scratch();
        var e = await Assert.ThrowsAsync<UnsupportedInputException>(() => InspectedSystem.OpenImageAsync(disk, CancellationToken.None));
        Assert.StartsWith(disk + ": the root partition (1) is encrypted (LUKS)", e.Message);
        Assert.Equal(scratchBefore, Scratch());
    }

    [Fact]
    public async Task A_disk_without_a_root_partition_or_a_gpt_is_named_in_the_error()
    {
        var disk = Path.Combine(image.Work, "blank.raw");
        using (var f = File.Create(disk))
        {
            f.SetLength(8L << 20);
        }

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => InspectedSystem.OpenImageAsync(disk, CancellationToken.None));
        Assert.Equal($"{disk}: no GPT partition table (keel build writes GPT disks)", e.Message);

        BuiltImage.Run("sgdisk", "-n", "1:2048:+1M", "-t", "1:0fc63daf-8483-4772-8e79-3d69d8477de4", disk);
        e = await Assert.ThrowsAsync<InvalidDataException>(() => InspectedSystem.OpenImageAsync(disk, CancellationToken.None));
        Assert.StartsWith($"{disk}: no root partition", e.Message);
    }

    private static string Loops() => BuiltImage.Run("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE");

    private static string[] Scratch() => [.. Directory.GetDirectories(Path.GetTempPath(), "keel-inspect-*").Order()];
}
