using static Keel.DiskImages.Tests.HostCommands;

namespace Keel.DiskImages.Tests;

public class FilesystemWriterTests
{
    private const long MiB = 1 << 20;
    private const long Offset = 65 * MiB;
    private const long Size = 128 * MiB;
    private static readonly Guid Uuid = StableIds.Derive("test", "fs");

    private static string NewDisk(TempDir dir, string name, long bytes = 200 * MiB)
    {
        var path = dir[name];
        using var fs = File.Create(path);
        fs.SetLength(bytes);
        return path;
    }

    private static void Mark(string path, long at)
    {
        using var fs = File.OpenWrite(path);
        fs.Position = at;
        fs.Write(Enumerable.Repeat((byte)0xAA, 4096).ToArray());
    }

    private static void AssertMarked(string path, long at)
    {
        using var fs = File.OpenRead(path);
        fs.Position = at;
        var buffer = new byte[4096];
        fs.ReadExactly(buffer);
        Assert.True(buffer.All(b => b == 0xAA), $"{path}: bytes at {at} outside the region were changed");
    }

    private static string Debugfs(string image, long offset, string command) => Run("debugfs", "-R", command, $"{image}?offset={offset}");

    [Fact]
    public async Task Ext4_keeps_owners_modes_links_devices_xattrs_and_stays_inside_its_region()
    {
        using var dir = new TempDir();
        var src = dir["root"];
        SourceTrees.BuildRoot(src, reverse: false);
        var disk = NewDisk(dir, "disk.raw");
        Mark(disk, Offset - 4096);
        Mark(disk, Offset + Size);

        await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("ext4", "root", Uuid, src, Offset, Size, SourceTrees.Epoch));

        AssertMarked(disk, Offset - 4096);
        AssertMarked(disk, Offset + Size);
        var id = Blkid(disk, Offset);
        Assert.Equal("ext4", id["TYPE"]);
        Assert.Equal(Uuid.ToString(), id["UUID"]);
        Assert.Equal("root", id["LABEL"]);
        Assert.Equal(0, RunFull("e2fsck", ["-fn", $"{disk}?offset={Offset}"], allowFailure: true).Exit);
        Assert.Contains($"Block count:              {Size / 4096}", Run("dumpe2fs", "-h", $"{disk}?offset={Offset}"));

        var secret = Debugfs(disk, Offset, "stat /home/user/secret");
        Assert.Matches(@"User:\s+1234\s+Group:\s+5678", secret);
        Assert.Contains("Mode:  0600", secret);
        var tool = Debugfs(disk, Offset, "stat /usr/bin/tool");
        Assert.Contains("Mode:  04755", tool);
        Assert.Contains("Links: 2", tool);
        Assert.Equal(Debugfs(disk, Offset, "stat /usr/bin/tool").Split('\n')[0], Debugfs(disk, Offset, "stat /usr/bin/tool2").Split('\n')[0]);
        Assert.Contains("Type: character special", Debugfs(disk, Offset, "stat /dev/null"));
        Assert.Contains("Type: FIFO", Debugfs(disk, Offset, "stat /run/fifo"));
        Assert.Contains("Fast link dest: \"usr/bin\"", Debugfs(disk, Offset, "stat /bin"));
        Assert.Contains("etc_t", Debugfs(disk, Offset, "ea_get /etc/hostname security.selinux"));
        Assert.Equal("keel\n", Debugfs(disk, Offset, "cat /etc/hostname"));
        Assert.Equal("quoted\n", Debugfs(disk, Offset, "cat \"/odd \"\"name\"\" x\""));
        Assert.Contains("Mode:  0555", Debugfs(disk, Offset, "stat /"));
        Assert.Equal(150, Debugfs(disk, Offset, "ls -p /many").Split('\n').Count(l => l.Contains("file-with-a-longish-name")));
    }

    [Fact]
    public async Task Ext4_times_are_the_clamped_mtime_whatever_the_source_ctime()
    {
        using var dir = new TempDir();
        var src = dir["root"];
        SourceTrees.BuildRoot(src, reverse: false);
        var disk = NewDisk(dir, "disk.raw");
        await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("ext4", "root", Uuid, src, Offset, Size, SourceTrees.Epoch));

        var hostname = Debugfs(disk, Offset, "stat /etc/hostname");
        foreach (var field in new[] { "ctime", "atime", "mtime" })
        {
            Assert.Contains($"{field}: 0x{SourceTrees.Mtime:x8}:00000000", hostname);
        }

        Assert.Contains($"crtime: 0x{SourceTrees.Epoch:x8}:00000000", hostname);
        Assert.Contains($" mtime: 0x{SourceTrees.Epoch:x8}:00000000", Debugfs(disk, Offset, "stat /var/future"));
        Assert.Contains($" ctime: 0x{SourceTrees.Mtime:x8}:00000000", Debugfs(disk, Offset, "stat /bin"));
        Assert.Contains($" ctime: 0x{SourceTrees.Mtime:x8}:00000000", Debugfs(disk, Offset, "stat \"/-dash/#hash\""));
        Assert.Contains($" ctime: 0x{SourceTrees.Mtime:x8}:00000000", Debugfs(disk, Offset, "stat \"/odd \"\"name\"\" x\""));
        // 1 700 000 000 seconds after the epoch, as dumpe2fs prints it.
        Assert.Matches(@"Filesystem created:\s+Tue Nov 14 22:13:20 2023", Run("dumpe2fs", "-h", $"{disk}?offset={Offset}"));
    }

    [Fact]
    public async Task Ext4_and_vfat_are_bit_identical_for_the_same_content_built_in_another_order()
    {
        using var dir = new TempDir();

        // The second pair of trees lives on tmpfs when there is one: another filesystem, another readdir order, other inode numbers.
        using var other = Directory.Exists("/dev/shm") ? new TempDir("/dev/shm") : new TempDir();
        var hashes = new List<string>();
        foreach (var reverse in new[] { false, true })
        {
            var name = reverse ? "b" : "a";
            var trees = reverse ? other : dir;
            SourceTrees.BuildRoot(trees[name + "-root"], reverse);
            SourceTrees.BuildEsp(trees[name + "-esp"], reverse);
            var disk = NewDisk(dir, name + ".raw");
            await GptWriter.WriteAsync(disk, 200 * MiB, GptWriterTests.DiskGuid, GptWriterTests.Layout(200 * MiB));
            await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("vfat", "ESP", Uuid, trees[name + "-esp"], MiB, 64 * MiB, SourceTrees.Epoch));
            await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("ext4", "root", Uuid, trees[name + "-root"], Offset, Size, SourceTrees.Epoch));
            hashes.Add(Sha256(disk));
        }

        Assert.Equal(hashes[0], hashes[1]);
    }

    [Fact]
    public async Task Vfat_holds_the_tree_with_clamped_times_and_passes_fsck()
    {
        using var dir = new TempDir();
        var src = dir["esp"];
        SourceTrees.BuildEsp(src, reverse: false);
        var disk = NewDisk(dir, "disk.raw");
        Mark(disk, MiB - 4096);
        Mark(disk, 65 * MiB);
        await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("vfat", "ESP", Uuid, src, MiB, 64 * MiB, SourceTrees.Epoch));

        AssertMarked(disk, MiB - 4096);
        AssertMarked(disk, 65 * MiB);
        var id = Blkid(disk, MiB);
        Assert.Equal("vfat", id["TYPE"]);
        Assert.Equal("FAT32", id["VERSION"]);
        Assert.Equal("ESP", id["LABEL"]);
        var volumeId = StableIds.VolumeId(Uuid).ToString("X8");
        Assert.Equal($"{volumeId[..4]}-{volumeId[4..]}", id["UUID"]);
        var image = $"{disk}@@{MiB}";
        Assert.Equal("timeout 3\n", Run("mtype", "-i", image, "::/loader/loader.conf"));
        Assert.Equal("MZ not really a PE\n", Run("mtype", "-i", image, "::/EFI/BOOT/BOOTX64.EFI"));
        Assert.Contains("keel-6.1.0-with-a-long-name.conf", Run("mdir", "-i", image, "::/loader/entries"));
        Assert.Contains("2020-09-13  12:26", Run("mdir", "-i", image, "::/loader"));
        Assert.Matches(@"late\s+txt\s+7 2023-11-14  22:13", Run("mdir", "-i", image, "::/"));

        var region = dir["esp.img"];
        Run("dd", $"if={disk}", $"of={region}", "bs=1M", "skip=1", "count=64", "status=none");
        Assert.Equal(0, RunFull("fsck.vfat", ["-n", region], allowFailure: true).Exit);
    }

    [Fact]
    public async Task Swap_and_empty_xfs_carry_uuid_and_label()
    {
        using var dir = new TempDir();
        var disk = NewDisk(dir, "disk.raw", 400 * MiB);
        Mark(disk, 2 * MiB - 4096);
        Mark(disk, 65 * MiB);
        Mark(disk, 386 * MiB);
        var swapUuid = StableIds.Derive("test", "swap");
        await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("swap", "swap", swapUuid, null, 2 * MiB, 63 * MiB, null));
        await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("xfs", "data", Uuid, null, 66 * MiB, 320 * MiB, null));

        AssertMarked(disk, 2 * MiB - 4096);
        AssertMarked(disk, 65 * MiB);
        AssertMarked(disk, 386 * MiB);
        var swap = Blkid(disk, 2 * MiB);
        Assert.Equal(("swap", swapUuid.ToString(), "swap"), (swap["TYPE"], swap["UUID"], swap["LABEL"]));
        var xfs = Blkid(disk, 66 * MiB);
        Assert.Equal(("xfs", Uuid.ToString(), "data"), (xfs["TYPE"], xfs["UUID"], xfs["LABEL"]));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(dir.Path, ".*")));
    }

    [Fact]
    public async Task Xfs_with_content_keeps_owners_modes_links_devices_xattrs_and_clamped_mtimes()
    {
        using var dir = new TempDir();
        var src = dir["root"];
        SourceTrees.BuildRoot(src, reverse: false);
        var home = Path.Combine(src, "home/private");
        Run("chmod", "0755", src);
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "notes"), "mine\n");
        Run("chown", "-R", "1000:1000", home);
        Run("chmod", "0700", home);
        Touch(Path.Combine(home, "notes"), SourceTrees.Mtime);
        Touch(home, SourceTrees.Mtime);
        Run("chmod", "0555", src);
        var disk = NewDisk(dir, "disk.raw", 400 * MiB);
        Mark(disk, 66 * MiB - 4096);
        Mark(disk, 386 * MiB);

        await FilesystemWriter.CreateAsync(disk, new FilesystemRequest("xfs", "data", Uuid, src, 66 * MiB, 320 * MiB, SourceTrees.Epoch));

        AssertMarked(disk, 66 * MiB - 4096);
        AssertMarked(disk, 386 * MiB);
        var id = Blkid(disk, 66 * MiB);
        Assert.Equal(("xfs", Uuid.ToString(), "data"), (id["TYPE"], id["UUID"], id["LABEL"]));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(dir.Path, ".*")));
        Assert.Empty(LeftoversMentioning(dir.Path));

        // What lstat says about every entry, mtimes clamped as the writer promises. Inode numbers and directory sizes differ between
        // filesystems, so hard links are checked apart and directory sizes left out.
        var paths = Run("find", src, "-printf", "%P\\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("home/private/notes", paths);
        string Describe(string root, bool clamp) => string.Join('\n', paths.Prepend("").Select(p =>
        {
            var f = Run("stat", "-c", "%F|%a|%u:%g|%h|%s|%t:%T|%Y", "--", Path.Combine(root, p)).Trim().Split('|');
            var mtime = long.Parse(f[^1]);
            f[4] = f[0] == "directory" ? "-" : f[4];
            f[^1] = (clamp ? SourceTree.Clamp(mtime, SourceTrees.Epoch) : mtime).ToString();
            return p + " " + string.Join('|', f);
        }));
        var expected = Describe(src, clamp: true);
        Assert.Contains("\nvar/future regular file|644|0:0|1|16|0:0|" + SourceTrees.Epoch, expected);
        WithReadOnlyMount(disk, 66 * MiB, 320 * MiB, "xfs", mnt =>
        {
            Assert.Equal(expected, Describe(mnt, clamp: false));
            Assert.Equal(Run("stat", "-c", "%i", Path.Combine(mnt, "usr/bin/tool")), Run("stat", "-c", "%i", Path.Combine(mnt, "usr/bin/tool2")));
            Assert.Equal("usr/bin", Run("readlink", Path.Combine(mnt, "bin")).Trim());
            Assert.Equal("keel\n", File.ReadAllText(Path.Combine(mnt, "etc/hostname")));
            Assert.Equal("system_u:object_r:etc_t:s0\0"u8.ToArray(), GetXattr(Path.Combine(mnt, "etc/hostname"), "security.selinux"));
        });

        var region = dir["xfs.img"];
        Run("dd", $"if={disk}", $"of={region}", "bs=1M", "skip=66", "count=320", "conv=sparse", "status=none");
        Assert.Equal(0, RunFull("xfs_repair", ["-n", region], allowFailure: true).Exit);
    }

    [Fact]
    public async Task A_failed_or_cancelled_xfs_fill_leaves_no_mount_loop_device_or_staging_file()
    {
        using var dir = new TempDir();
        var src = dir["big"];
        Directory.CreateDirectory(src);

        // Real (non-zero) bytes, so the copy cannot keep it sparse: more than the 320 MiB filesystem holds.
        using (var big = File.Create(Path.Combine(src, "big")))
        {
            var chunk = Enumerable.Repeat((byte)0x5A, (int)MiB).ToArray();
            for (int i = 0; i < 330; i++)
            {
                big.Write(chunk);
            }
        }

        var disk = NewDisk(dir, "disk.raw", 400 * MiB);
        var request = new FilesystemRequest("xfs", "data", Uuid, src, 66 * MiB, 320 * MiB, null);
        var full = await Assert.ThrowsAsync<IOException>(() => FilesystemWriter.CreateAsync(disk, request));
        Assert.Contains("No space left on device", full.Message);
        Assert.StartsWith(src + ": copying into xfs 'data' failed", full.Message);
        Assert.DoesNotContain('\n', full.Message);
        Assert.Empty(LeftoversMentioning(dir.Path));
        Assert.Empty(LeftoversMentioning("keel-xfs-"));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*"));

        // Cancelled once the copy step is announced: mkfs ran, the namespace never started, and the finally blocks still clean up.
        var small = dir["small"];
        Directory.CreateDirectory(small);
        File.WriteAllText(Path.Combine(small, "f"), "x");
        using var cts = new CancellationTokenSource();
        var log = new CancelOn("copying", cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FilesystemWriter.CreateAsync(disk, request with { SourceDirectory = small }, log, cts.Token));
        Assert.True(log.Fired);
        Assert.Empty(LeftoversMentioning(dir.Path));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*"));
    }

    /// <summary>A progress sink that cancels when a message containing a text arrives (synchronously, unlike Progress&lt;T&gt;).</summary>
    private sealed class CancelOn(string text, CancellationTokenSource cts) : IProgress<string>
    {
        public bool Fired { get; private set; }

        public void Report(string value)
        {
            if (value.Contains(text, StringComparison.Ordinal))
            {
                Fired = true;
                cts.Cancel();
            }
        }
    }

    [Fact]
    public async Task Bad_requests_fail_with_one_line_naming_the_input()
    {
        using var dir = new TempDir();
        var disk = NewDisk(dir, "disk.raw");
        var src = dir["tree"];
        Directory.CreateDirectory(src);
        File.WriteAllText(Path.Combine(src, "f"), "x");
        File.CreateSymbolicLink(Path.Combine(src, "link"), "f");
        var good = new FilesystemRequest("ext4", "root", Uuid, null, Offset, Size, null);
        var cases = new (FilesystemRequest Request, Type Exception, string Text)[]
        {
            (good with { Type = "btrfs" }, typeof(ArgumentException), "unknown filesystem type 'btrfs'"),
            (good with { Label = "a-label-longer-than-16" }, typeof(ArgumentException), "at most 16 bytes"),
            (good with { Type = "vfat", Label = "esp" }, typeof(ArgumentException), "upper-case"),
            (good with { OffsetBytes = Offset + 512 }, typeof(ArgumentException), "not a multiple of 1 MiB"),
            (good with { SizeBytes = 200 * MiB }, typeof(ArgumentException), "ends past the target's"),
            (good with { SourceDirectory = dir["missing"] }, typeof(ArgumentException), "does not exist"),
            (good with { Uuid = Guid.Empty }, typeof(ArgumentException), "all zeros"),
            (good with { Type = "vfat", Label = "ESP", SourceDirectory = src, SizeBytes = 64 * MiB }, typeof(NotSupportedException), "only files and directories"),
            (good with { Type = "xfs", Label = "data", SizeBytes = 16 * MiB }, typeof(IOException), "mkfs.xfs exited with status"),
        };
        foreach (var (request, exception, text) in cases)
        {
            var e = await Assert.ThrowsAnyAsync<Exception>(() => FilesystemWriter.CreateAsync(disk, request));
            Assert.IsType(exception, e);
            Assert.Contains(text, e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(exception == typeof(NotSupportedException) ? src : exception == typeof(IOException) ? "" : disk, e.Message);
        }

        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => FilesystemWriter.CreateAsync(dir["nope.raw"], good));
        Assert.Contains("nope.raw", missing.Message);
    }

    [Fact]
    public async Task A_cancelled_request_runs_nothing()
    {
        using var dir = new TempDir();
        var disk = NewDisk(dir, "disk.raw");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            FilesystemWriter.CreateAsync(disk, new FilesystemRequest("ext4", "root", Uuid, null, Offset, Size, null), null, new CancellationToken(true)));
        Assert.Equal(2, RunFull("blkid", ["-p", "-O", Offset.ToString(), disk], allowFailure: true).Exit);
    }
}
