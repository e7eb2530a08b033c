using static Keel.DiskImages.Tests.HostCommands;

namespace Keel.DiskImages.Tests;

/// <summary>The `keel install --device` path: the same writers on a loop device with partitions, then on a partition device at offset 0.</summary>
public class DeviceTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public async Task Gpt_and_filesystems_on_a_loop_device_and_its_partitions()
    {
        using var dir = new TempDir();
        var backing = dir["backing.raw"];
        using (var fs = File.Create(backing))
        {
            fs.SetLength(400 * MiB);
        }

        var loop = Run("losetup", "--find", "--show", "--partscan", backing).Trim();
        try
        {
            var layout = GptWriterTests.Layout(400 * MiB);
            await GptWriter.WriteAsync(loop, 400 * MiB, GptWriterTests.DiskGuid, layout);
            var wrongSize = await Assert.ThrowsAsync<ArgumentException>(() => GptWriter.WriteAsync(loop, 200 * MiB, GptWriterTests.DiskGuid, GptWriterTests.Layout(200 * MiB)));
            Assert.StartsWith(loop + ": the device holds", wrongSize.Message);

            var esp = loop + "p1";
            var root = loop + "p2";
            Assert.True(Directory.Exists("/sys/class/block/" + Path.GetFileName(root)), $"{root} is not known to the kernel after the table was written");
            var src = dir["root"];
            SourceTrees.BuildRoot(src, reverse: false);

            // xfs with content on the partition device itself (mkfs.xfs and the loop mount both take the device), replaced by ext4 below.
            await FilesystemWriter.CreateAsync(root, new FilesystemRequest("xfs", "data", StableIds.Derive("t", "x"), src, 0, layout[1].SizeBytes, SourceTrees.Epoch));
            Assert.Equal("xfs", Blkid(root, 0)["TYPE"]);
            Assert.Equal(0, RunFull("xfs_repair", ["-n", root], allowFailure: true).Exit);
            WithReadOnlyMount(root, 0, layout[1].SizeBytes, "xfs", mnt =>
            {
                Assert.Equal("4755 1234:5678 600", string.Join(' ', Run("stat", "-c", "%a", Path.Combine(mnt, "usr/bin/tool")).Trim(),
                    Run("stat", "-c", "%u:%g %a", Path.Combine(mnt, "home/user/secret")).Trim()));
                Assert.Equal("system_u:object_r:etc_t:s0\0"u8.ToArray(), GetXattr(Path.Combine(mnt, "etc/hostname"), "security.selinux"));
            });
            Assert.DoesNotContain(root, Run("losetup", "--list", "--noheadings", "--output", "BACK-FILE").Split('\n', StringSplitOptions.TrimEntries));
            await FilesystemWriter.CreateAsync(root, new FilesystemRequest("ext4", "root", StableIds.Derive("t", "root"), src, 0, layout[1].SizeBytes, SourceTrees.Epoch));
            await FilesystemWriter.CreateAsync(esp, new FilesystemRequest("vfat", "ESP", StableIds.Derive("t", "esp"), null, 0, layout[0].SizeBytes, null));
            var xfsArea = await Assert.ThrowsAsync<ArgumentException>(() =>
                FilesystemWriter.CreateAsync(loop, new FilesystemRequest("xfs", "data", StableIds.Derive("t", "x"), null, 65 * MiB, 320 * MiB, null)));
            Assert.Contains("needs the whole device", xfsArea.Message);

            Assert.Equal("ext4", Blkid(root, 0)["TYPE"]);
            Assert.Equal("vfat", Blkid(esp, 0)["TYPE"]);
            Assert.Equal(0, RunFull("e2fsck", ["-fn", root], allowFailure: true).Exit);
            Assert.Contains("Mode:  04755", Run("debugfs", "-R", "stat /usr/bin/tool", root));
        }
        finally
        {
            Run("losetup", "-d", loop);
        }

        // The backing file saw the same writes: the partition table and both filesystems are where the layout put them.
        Assert.Contains("Partition name: 'root'", Run("sgdisk", "-i", "2", backing));
        Assert.Equal("ext4", Blkid(backing, 65 * MiB)["TYPE"]);
    }
}
