using static Keel.DiskImages.Tests.HostCommands;

namespace Keel.DiskImages.Tests;

public class GptWriterTests
{
    internal const long MiB = 1 << 20;
    internal static readonly Guid Esp = Guid.Parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    internal static readonly Guid RootX64 = Guid.Parse("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
    internal static readonly Guid DiskGuid = StableIds.Derive("test", "disk");

    internal static GptPartition[] Layout(long diskBytes) =>
    [
        new(1, "esp", Esp, StableIds.Derive("test", "p1"), MiB, 64 * MiB),
        new(2, "root", RootX64, StableIds.Derive("test", "p2"), 65 * MiB, (diskBytes - 33 * 512) / MiB * MiB - 65 * MiB),
    ];

    [Fact]
    public async Task Writes_the_exact_partitions_and_guids_sgdisk_reads_back()
    {
        using var dir = new TempDir();
        var disk = dir["disk.raw"];
        await GptWriter.WriteAsync(disk, 200 * MiB, DiskGuid, Layout(200 * MiB));

        Assert.Equal(200 * MiB, new FileInfo(disk).Length);
        var table = Run("sgdisk", "-p", disk);
        Assert.Contains($"Disk identifier (GUID): {DiskGuid.ToString().ToUpperInvariant()}", table);
        var p1 = Run("sgdisk", "-i", "1", disk);
        Assert.Contains("Partition GUID code: C12A7328-F81F-11D2-BA4B-00A0C93EC93B", p1);
        Assert.Contains($"Partition unique GUID: {StableIds.Derive("test", "p1").ToString().ToUpperInvariant()}", p1);
        Assert.Contains("First sector: 2048 ", p1);
        Assert.Contains("Last sector: 133119 ", p1);
        Assert.Contains("Partition name: 'esp'", p1);
        var p2 = Run("sgdisk", "-i", "2", disk);
        Assert.Contains("Partition GUID code: 4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", p2);
        Assert.Contains("Partition name: 'root'", p2);
        Assert.Contains("No problems found", Run("sgdisk", "-v", disk));
    }

    [Fact]
    public async Task Same_input_gives_identical_bytes_and_old_signatures_are_wiped()
    {
        using var dir = new TempDir();
        var a = dir["a.raw"];
        var b = dir["b.raw"];
        await GptWriter.WriteAsync(a, 200 * MiB, DiskGuid, Layout(200 * MiB));

        // b starts dirty: an old filesystem signature where partition 2 will start.
        using (var fs = File.Create(b))
        {
            fs.SetLength(200 * MiB);
            fs.Position = 65 * MiB + 1024;
            fs.Write(Enumerable.Repeat((byte)0xAB, 4096).ToArray());
        }

        await GptWriter.WriteAsync(b, 200 * MiB, DiskGuid, Layout(200 * MiB));
        Assert.Equal(Sha256(a), Sha256(b));
    }

    [Fact]
    public async Task Bad_layouts_are_refused_with_one_line_naming_the_partition()
    {
        using var dir = new TempDir();
        var disk = dir["disk.raw"];
        var ok = Layout(200 * MiB);
        var overlap = new[] { ok[0], ok[1] with { StartBytes = 32 * MiB } };
        var unaligned = new[] { ok[0] with { StartBytes = MiB + 4096 } };
        var pastEnd = new[] { ok[0] with { SizeBytes = 200 * MiB } };
        var longName = new[] { ok[0] with { Name = new string('x', 37) } };
        foreach (var (layout, expected) in new[] { (overlap, "partition 1 (esp): overlaps partition 2 (root)"), (unaligned, "1 MiB boundary"), (pastEnd, "ending by byte"), (longName, "36 characters") })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => GptWriter.WriteAsync(disk, 200 * MiB, DiskGuid, layout));
            Assert.Contains(expected, e.Message);
            Assert.StartsWith(disk + ": partition", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }

        using (var fs = File.Create(disk))
        {
            fs.SetLength(300 * MiB);
        }

        var big = await Assert.ThrowsAsync<ArgumentException>(() => GptWriter.WriteAsync(disk, 200 * MiB, DiskGuid, ok));
        Assert.Contains("more than the", big.Message);
    }
}
