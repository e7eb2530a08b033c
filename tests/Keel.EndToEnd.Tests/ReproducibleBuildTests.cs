using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;

namespace Keel.EndToEnd.Tests;

/// <summary>Same config (with a seed), same repository, same SOURCE_DATE_EPOCH: the same bytes; and the other output formats.</summary>
public sealed class ReproducibleBuildTests : IDisposable
{
    private const long Epoch = 1735689600;
    private readonly string _work = EndToEnd.Scratch("repro");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task Two_builds_with_the_same_seed_and_epoch_are_bit_identical()
    {
        var config = EndToEnd.Load(EndToEnd.WriteConfig(_work, "minimal", extra: "users:\n  - name: ops\n    sudo: true\n    locked: true\n"));
        var first = await Build(config, "a.qcow2");
        var second = await Build(config, "b.qcow2");
        Assert.Equal(Hash(first), Hash(second));

        // A different epoch changes the bytes (the test would pass vacuously if nothing depended on it).
        var other = await Build(config, "c.qcow2", Epoch + 86400);
        Assert.NotEqual(Hash(first), Hash(other));
    }

    [Theory]
    [InlineData("vhd", "vpc")]
    [InlineData("vhdx", "vhdx")]
    public async Task Vhd_and_vhdx_outputs_have_the_disk_size_and_format(string extension, string qemuFormat)
    {
        var config = EndToEnd.Load(EndToEnd.WriteConfig(_work, "minimal"));
        var image = await Build(config, "disk." + extension);
        // A fixed VHD has its footer only at the end, so qemu-img's probe says "raw": name the format, then check the footer.
        using var p = Process.Start(new ProcessStartInfo("qemu-img", ["info", "-f", qemuFormat, "--output", "json", image]) { RedirectStandardOutput = true })!;
        var info = JsonDocument.Parse(await p.StandardOutput.ReadToEndAsync()).RootElement;
        await p.WaitForExitAsync();
        Assert.Equal(qemuFormat, info.GetProperty("format").GetString());
        Assert.Equal(2L << 30, info.GetProperty("virtual-size").GetInt64());
        if (extension == "vhd")
        {
            // Azure wants a fixed VHD: the whole disk plus the 512-byte footer.
            Assert.Equal((2L << 30) + 512, new FileInfo(image).Length);
            using var f = File.OpenRead(image);
            f.Seek(-512, SeekOrigin.End);
            var footer = new byte[512];
            f.ReadExactly(footer);
            Assert.Equal("conectix", System.Text.Encoding.ASCII.GetString(footer, 0, 8));
            Assert.Equal(2u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(footer.AsSpan(60))); // disk type: fixed
        }
    }

    private async Task<string> Build(Keel.Config.Loading.LoadedConfig config, string name, long epoch = Epoch)
    {
        var output = Path.Combine(_work, name);
        await new ImageBuilder(new ImageBuildOptions { Output = output, SourceDateEpoch = epoch, Cache = new KeelCache(Path.Combine(_work, "cache")) })
            .BuildAsync(config, PackageRequest.Build(config, PresetCatalog.CreateDefault()));
        return output;
    }

    private static string Hash(string file)
    {
        using var f = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(f));
    }
}
