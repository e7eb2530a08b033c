using System.Text.Json;
using static Keel.DiskImages.Tests.HostCommands;

namespace Keel.DiskImages.Tests;

public class ImageConverterTests
{
    private const long MiB = 1 << 20;

    private static async Task<string> RawDisk(TempDir dir, long bytes)
    {
        var raw = dir["disk.raw"];
        await GptWriter.WriteAsync(raw, bytes, GptWriterTests.DiskGuid, GptWriterTests.Layout(bytes));
        await FilesystemWriter.CreateAsync(raw, new FilesystemRequest("vfat", "ESP", StableIds.Derive("t", "esp"), null, MiB, 64 * MiB, null));
        return raw;
    }

    // A fixed VHD is raw data plus a footer, which qemu-img's probe reads as raw: the format is named, never guessed.
    private static JsonElement Info(string path, string format) => JsonDocument.Parse(Run("qemu-img", "info", "-f", format, "--output", "json", path)).RootElement;

    [Theory]
    [InlineData("qcow2", "qcow2")]
    [InlineData("vhdx", "vhdx")]
    [InlineData("raw", "raw")]
    public async Task Converted_images_hold_the_same_disk(string format, string qemuFormat)
    {
        using var dir = new TempDir();
        var raw = await RawDisk(dir, 200 * MiB);
        var output = dir["out." + format];
        await ImageConverter.ConvertAsync(raw, output, format);

        var info = Info(output, qemuFormat);
        Assert.Equal(qemuFormat, info.GetProperty("format").GetString());
        Assert.Equal(200 * MiB, info.GetProperty("virtual-size").GetInt64());
        Assert.Equal(0, RunFull("qemu-img", ["compare", "-f", "raw", "-F", qemuFormat, raw, output], allowFailure: true).Exit);
        Assert.Single(Directory.GetFiles(dir.Path, "out.*"));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*"));
    }

    [Fact]
    public async Task Vhd_is_fixed_with_a_whole_mib_size_and_the_gpt_moved_to_the_end()
    {
        using var dir = new TempDir();
        var raw = await RawDisk(dir, (200 * MiB) + (7 * 512));
        var output = dir["out.vhd"];
        await ImageConverter.ConvertAsync(raw, output, "vhd");

        var info = Info(output, "vpc");
        Assert.Equal("vpc", info.GetProperty("format").GetString());
        Assert.Equal(201 * MiB, info.GetProperty("virtual-size").GetInt64());
        Assert.Equal((201 * MiB) + 512, new FileInfo(output).Length);
        using (var fs = File.OpenRead(output))
        {
            var footer = new byte[512];
            fs.Position = fs.Length - 512;
            fs.ReadExactly(footer);
            Assert.Equal("conectix"u8.ToArray(), footer[..8]);
            Assert.Equal(2u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(footer.AsSpan(60, 4))); // disk type 2: fixed
        }

        Assert.Contains("No problems found", Run("sgdisk", "-v", raw));
        Assert.Equal(0, RunFull("qemu-img", ["compare", "-f", "raw", "-F", "vpc", raw, output], allowFailure: true).Exit);
    }

    [Fact]
    public async Task Unknown_format_and_missing_input_are_one_line_errors()
    {
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => ImageConverter.ConvertAsync(dir["x.raw"], dir["x.vmdk"], "vmdk"));
        Assert.Equal($"{dir["x.vmdk"]}: unknown image format 'vmdk' (expected raw, qcow2, vhd, vhdx)", e.Message);
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => ImageConverter.ConvertAsync(dir["x.raw"], dir["x.qcow2"], "qcow2"));
        Assert.StartsWith(dir["x.raw"], missing.Message);
    }

    [Fact]
    public void Missing_tool_names_its_debian_package()
    {
        var e = Assert.Throws<FileNotFoundException>(() => HostTools.Require("keel-no-such-tool", "keel-pkg"));
        Assert.Equal("keel-no-such-tool: not found on PATH (install the Debian package keel-pkg)", e.Message);
    }
}

public class ReproducibleImageTests
{
    private const long MiB = 1 << 20;

    [Theory]
    [InlineData("qcow2")]
    [InlineData("vhd")]
    public async Task Two_conversions_with_an_epoch_are_identical_and_valid(string format)
    {
        using var dir = new TempDir();
        var raw = dir["disk.raw"];
        await GptWriter.WriteAsync(raw, 100 * MiB, GptWriterTests.DiskGuid, [GptWriterTests.Layout(100 * MiB)[1] with { StartBytes = MiB, SizeBytes = 98 * MiB }]);
        await ImageConverter.ConvertAsync(raw, dir["a." + format], format, SourceTrees.Epoch);
        await ImageConverter.ConvertAsync(raw, dir["b." + format], format, SourceTrees.Epoch);

        Assert.Equal(Sha256(dir["a." + format]), Sha256(dir["b." + format]));
        var qemuFormat = format == "vhd" ? "vpc" : format;

        // compare proves the data is untouched; qemu-img refuses to open a VHD whose footer checksum is wrong ("Incorrect header checksum").
        Assert.Equal(0, RunFull("qemu-img", ["compare", "-f", "raw", "-F", qemuFormat, raw, dir["a." + format]], allowFailure: true).Exit);
        if (format == "vhd")
        {
            var info = JsonDocument.Parse(Run("qemu-img", "info", "-f", "vpc", "--output", "json", dir["a." + format])).RootElement;
            Assert.Equal(100 * MiB, info.GetProperty("virtual-size").GetInt64());
        }
    }
}
