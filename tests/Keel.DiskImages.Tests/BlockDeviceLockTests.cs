using static Keel.DiskImages.Tests.HostCommands;

namespace Keel.DiskImages.Tests;

/// <summary>
/// systemd-udevd holds LOCK_EX on a whole disk for a moment after every written close; the writers must neither trip over
/// that lock nor let udev re-read the table while they hold their own.
/// </summary>
public class BlockDeviceLockTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public async Task The_gpt_writer_works_while_another_program_holds_the_disks_lock()
    {
        using var dir = new TempDir();
        var backing = dir["backing.raw"];
        using (var fs = File.Create(backing))
        {
            fs.SetLength(200 * MiB);
        }

        var loop = Run("losetup", "--find", "--show", "--partscan", backing).Trim();
        try
        {
            // What udev does after a written close: an exclusive BSD lock on the whole disk.
            using (File.OpenHandle(loop, FileMode.Open, FileAccess.Read, FileShare.None))
            {
                await GptWriter.WriteAsync(loop, 200 * MiB, GptWriterTests.DiskGuid, GptWriterTests.Layout(200 * MiB));
            }

            Assert.Equal("gpt", Run("blkid", "-p", "-o", "value", "-s", "PTTYPE", loop).Trim());
        }
        finally
        {
            Run("losetup", "--detach", loop);
        }
    }

    [Fact]
    public async Task The_lock_waits_for_a_brief_holder_and_then_excludes_others()
    {
        using var dir = new TempDir();
        var disk = dir["disk"];
        File.WriteAllBytes(disk, new byte[4096]);

        var holder = File.OpenHandle(disk, FileMode.Open, FileAccess.Read, FileShare.None);
        var acquiring = BlockDeviceLock.AcquireAsync(disk, TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.Delay(300);
        Assert.False(acquiring.IsCompleted, "the lock was taken while another descriptor held it");
        holder.Dispose();

        using (var held = await acquiring)
        {
            Assert.Equal(disk, held.Path);
            Assert.Throws<IOException>(() => File.OpenHandle(disk, FileMode.Open, FileAccess.Read, FileShare.None).Dispose());

            // The holder's own writes go through descriptors that take no lock.
            using var write = BlockDevice.Open(disk, FileAccess.Write);
            RandomAccess.Write(write, new byte[] { 1, 2, 3 }, 0);
        }

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(disk).AsSpan(0, 3).ToArray());
        File.OpenHandle(disk, FileMode.Open, FileAccess.Read, FileShare.None).Dispose();
    }

    [Fact]
    public async Task A_lock_held_too_long_is_an_error_naming_the_disk()
    {
        using var dir = new TempDir();
        var disk = dir["disk"];
        File.WriteAllBytes(disk, new byte[512]);

        using var holder = File.OpenHandle(disk, FileMode.Open, FileAccess.Read, FileShare.None);
        var e = await Assert.ThrowsAsync<IOException>(() => BlockDeviceLock.AcquireAsync(disk, TimeSpan.FromMilliseconds(200), CancellationToken.None));
        Assert.StartsWith(disk + ": another program", e.Message);
    }

    [Fact]
    public void Opening_a_missing_device_names_it()
    {
        var e = Assert.Throws<IOException>(() => BlockDevice.Open("/dev/keel-no-such-disk", FileAccess.Read));
        Assert.Equal("/dev/keel-no-such-disk: cannot open: No such file or directory", e.Message);
    }
}
