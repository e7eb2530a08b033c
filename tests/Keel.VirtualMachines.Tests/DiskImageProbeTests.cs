namespace Keel.VirtualMachines.Tests;

/// <summary>Format detection against images written by qemu-img itself and by the boot fixture.</summary>
public sealed class DiskImageProbeTests : IClassFixture<BootFixture>
{
    private readonly BootFixture _fixture;

    public DiskImageProbeTests(BootFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void GptDisk_IsRaw() => Assert.Equal(DiskImageFormat.Raw, DiskImageProbe.Detect(_fixture.ImagePath));

    [Theory]
    [InlineData("qcow2", DiskImageFormat.Qcow2)]
    [InlineData("vhdx", DiskImageFormat.Vhdx)]
    [InlineData("vpc", DiskImageFormat.Vhd)]
    public void QemuImgConversions_AreRecognised(string qemuFormat, DiskImageFormat expected)
    {
        using var scratch = new Scratch();
        var image = scratch.File("disk." + qemuFormat);
        Tools.Run("qemu-img", "convert", "-O", qemuFormat, _fixture.ImagePath, image);

        Assert.Equal(expected, DiskImageProbe.Detect(image));
        Assert.Equal(qemuFormat, expected.QemuName());
    }

    [Fact]
    public void FixedVhd_IsRecognisedByItsFooter()
    {
        using var scratch = new Scratch();
        var image = scratch.File("fixed.vhd");
        Tools.Run("qemu-img", "convert", "-O", "vpc", "-o", "subformat=fixed", _fixture.ImagePath, image);

        Assert.Equal(DiskImageFormat.Vhd, DiskImageProbe.Detect(image));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4096)]
    public void NotADisk_ThrowsNamingTheFile(int size)
    {
        using var scratch = new Scratch();
        var path = scratch.File("notes.txt");
        File.WriteAllBytes(path, Enumerable.Repeat((byte)'x', size).ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => DiskImageProbe.Detect(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
