namespace Keel.VirtualMachines.Tests;

/// <summary>NoCloud seeds, read back with mtools (an independent FAT reader).</summary>
public sealed class SeedImageTests
{
    [Fact]
    public async Task Seed_HoldsTheFilesUnderTheCidataLabel()
    {
        using var scratch = new Scratch();
        var dir = Directory.CreateDirectory(scratch.File("seed")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "meta-data"), "instance-id: iid-seed-test\n");
        var userData = "#cloud-config\nhostname: " + new string('h', 3000) + "\n";
        await File.WriteAllTextAsync(Path.Combine(dir, "user-data"), userData);
        var image = scratch.File("seed.img");

        await SeedImage.CreateAsync(dir, image, new HostTools(), CancellationToken.None);

        Assert.Contains("cidata", Tools.Run("mlabel", "-i", image, "-s", "::"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("instance-id: iid-seed-test\n", Tools.Run("mtype", "-i", image, "::/meta-data"));
        Assert.Equal(userData, Tools.Run("mtype", "-i", image, "::/user-data"));
        Assert.False(File.Exists(image + ".tmp"));
    }

    [Fact]
    public async Task Seed_WithoutMetaData_IsRejected()
    {
        using var scratch = new Scratch();
        var dir = Directory.CreateDirectory(scratch.File("seed")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "user-data"), "#cloud-config\n");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => SeedImage.CreateAsync(dir, scratch.File("seed.img"), new HostTools(), CancellationToken.None));
        Assert.Contains("meta-data", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.File("seed.img")));
    }

    [Fact]
    public async Task Seed_MissingDirectory_NamesIt()
    {
        using var scratch = new Scratch();
        var missing = scratch.File("nope");

        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => SeedImage.CreateAsync(missing, scratch.File("seed.img"), new HostTools(), CancellationToken.None));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }
}
