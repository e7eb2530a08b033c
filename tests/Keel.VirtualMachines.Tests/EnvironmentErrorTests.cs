namespace Keel.VirtualMachines.Tests;

/// <summary>What the user is told when the image or a host tool is missing, before anything is started.</summary>
public sealed class EnvironmentErrorTests : IClassFixture<BootFixture>
{
    private readonly BootFixture _fixture;

    public EnvironmentErrorTests(BootFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task MissingImage_NamesIt()
    {
        using var scratch = new Scratch();
        var missing = scratch.File("missing.raw");

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => new VirtualMachineRunner().RunAsync(new VmRunOptions { ImagePath = missing }, null));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingQemu_NamesTheDebianPackage()
    {
        using var scratch = new Scratch();
        var runner = new VirtualMachineRunner(new HostTools([scratch.Path]));

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => runner.RunAsync(new VmRunOptions { ImagePath = _fixture.ImagePath, TempRoot = scratch.Path }, null));
        Assert.Equal("qemu-system-x86_64: not found on PATH (install the Debian package qemu-system-x86)", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Path));
    }

    [Fact]
    public async Task FirmwareWithoutVarsBesideIt_IsRejected()
    {
        using var scratch = new Scratch();
        var code = scratch.File("MY_CODE.fd");
        File.WriteAllBytes(code, new byte[4096]);

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => new VirtualMachineRunner().RunAsync(new VmRunOptions { ImagePath = _fixture.ImagePath, FirmwarePath = code }, null));
        Assert.Contains("MY_VARS.fd", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64, null, null)]
    [InlineData(512, -1, null)]
    [InlineData(512, null, "")]
    public void OutOfRangeOptions_AreRejected(int memory, int? timeoutSeconds, string? expect)
    {
        var options = new VmRunOptions
        {
            ImagePath = "x",
            MemoryMiB = memory,
            Timeout = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            Expect = expect,
        };
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public async Task KeptVariableStoreOfAnotherSize_IsRefused_BeforeAnythingStarts()
    {
        using var scratch = new Scratch();
        var vars = scratch.File("vars.fd");
        File.WriteAllBytes(vars, new byte[4096]);
        var temp = Directory.CreateDirectory(scratch.File("temp")).FullName;

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new VirtualMachineRunner().RunAsync(new VmRunOptions { ImagePath = _fixture.ImagePath, FirmwareVarsPath = vars, TempRoot = temp }, null));
        Assert.StartsWith($"--firmware-vars {vars}: 4096 bytes, but the firmware's variable store", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }

    [Fact]
    public async Task KeptVariableStoreWithCombinedFirmware_IsRefused()
    {
        using var scratch = new Scratch();
        var combined = scratch.File("OVMF.fd");
        File.WriteAllBytes(combined, new byte[4096]);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = _fixture.ImagePath, FirmwarePath = combined, FirmwareVarsPath = scratch.File("vars.fd") }, null));
        Assert.Equal($"--firmware-vars: the firmware {combined} is a combined image without a separate variable store", ex.Message);
        Assert.False(File.Exists(scratch.File("vars.fd")));
    }
}
