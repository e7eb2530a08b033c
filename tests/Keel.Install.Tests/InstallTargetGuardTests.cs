using Keel.Install.Devices;
using Keel.Tests;

namespace Keel.Install.Tests;

public sealed class InstallTargetGuardTests : IDisposable
{
    private readonly string _work = InstallFixtures.ScratchPath("guard");

    public InstallTargetGuardTests() => Directory.CreateDirectory(_work);

    public void Dispose() => InstallFixtures.DeleteQuietly(_work);

    [Fact]
    public void A_free_loop_device_passes_with_its_size()
    {
        using var loop = new LoopDevice(Path.Combine(_work, "disk"), 64L << 20);
        var info = new InstallTargetGuard().Check(loop.Device, mediumPath: _work);
        Assert.Equal(64L << 20, info.SizeBytes);
        Assert.Matches("^[0-9]+:[0-9]+$", info.DevNumber);
    }

    [Fact]
    public void A_device_with_a_mounted_partition_is_refused_naming_the_mount_point()
    {
        using var loop = new LoopDevice(Path.Combine(_work, "disk"), 64L << 20);
        var mnt = Path.Combine(_work, "mnt");
        loop.PartitionAndMount(mnt);
        var ex = Assert.Throws<InstallTargetException>(() => new InstallTargetGuard().Check(loop.Device, mediumPath: "/nonexistent-medium"));
        Assert.Equal($"{loop.Device}: is mounted (at {mnt}); unmount it first or choose another disk", ex.Message);

        // keel running from that disk makes it the install medium, which is named as such.
        // Every reason is given, each with its code.
        var medium = Assert.Throws<InstallTargetException>(() => new InstallTargetGuard().Check(loop.Device, mediumPath: Path.Combine(mnt, "keel"), minimumBytes: 1L << 30));
        Assert.Equal([TargetRefusal.InstallMedium, TargetRefusal.Mounted, TargetRefusal.TooSmall], medium.Reasons.Select(r => r.Code));
        Assert.Equal($"{loop.Device}: cannot be an install target: holds the install medium (keel runs from {Path.Combine(mnt, "keel")}); choose another disk; " +
            $"is mounted (at {mnt}); unmount it first or choose another disk; is too small for the layout (64 MiB, the layout needs 1 GiB)", medium.Message);

        var part = Assert.Throws<InstallTargetException>(() => new InstallTargetGuard().Check(loop.Partition(1)));
        Assert.Equal(TargetRefusal.NotADisk, Assert.Single(part.Reasons).Code);
        Assert.StartsWith($"{loop.Partition(1)}: is a partition", part.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regular_file_and_a_missing_device_are_refused()
    {
        var file = Path.Combine(_work, "file.raw");
        File.WriteAllText(file, "x");
        Assert.Equal($"{file}: is a regular file, not a block device (build images with 'keel build -o FILE')",
            Assert.Throws<InstallTargetException>(() => new InstallTargetGuard().Check(file)).Message);
        var missing = Assert.Throws<InstallTargetException>(() => new InstallTargetGuard().Check("/dev/keel-no-such-disk"));
        Assert.Equal("/dev/keel-no-such-disk: no such device", missing.Message);
        Assert.Equal(Keel.Errors.ReasonCodes.TargetRefused, missing.Reason);
    }

    [Fact]
    public void The_disk_holding_the_running_system_is_refused()
    {
        // A real partitioned loop device, and a /proc/self/mountinfo that says its partition holds /.
        using var loop = new LoopDevice(Path.Combine(_work, "disk"), 64L << 20);
        LoopDevice.Run("sgdisk", "-n", "1:0:0", loop.Device);
        LoopDevice.Run("partx", "-u", loop.Device);
        var partDev = File.ReadAllText($"/sys/class/block/{Path.GetFileName(loop.Partition(1))}/dev").Trim();
        var proc = Path.Combine(_work, "proc");
        Directory.CreateDirectory(Path.Combine(proc, "self"));
        File.WriteAllText(Path.Combine(proc, "self", "mountinfo"), $"21 1 {partDev} / / rw,relatime shared:1 - ext4 {loop.Partition(1)} rw\n");

        var ex = Assert.Throws<InstallTargetException>(() => new InstallTargetGuard(proc).Check(loop.Device, mediumPath: "/elsewhere"));
        // /elsewhere is on / too, so the disk is also the medium, and mounted: every reason is listed, the running system first.
        Assert.Equal([TargetRefusal.RunningSystem, TargetRefusal.InstallMedium, TargetRefusal.Mounted], ex.Reasons.Select(r => r.Code));
        Assert.StartsWith($"{loop.Device}: cannot be an install target: holds the running system (mounted at /); choose another disk; ", ex.Message, StringComparison.Ordinal);
        Assert.Equal("/dev/null: is a character special file, not a block device", Assert.Throws<InstallTargetException>(() => new InstallTargetGuard().Check("/dev/null")).Message);
    }
}
