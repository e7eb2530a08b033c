using System.Diagnostics;

namespace Keel.Installer.Tests;

/// <summary>The real blkid and mtools on a FAT image file, as a KEELCFG stick is read (the host kernel cannot mount vfat).</summary>
public sealed class HostSystemAccessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-keelcfg").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Keel_yaml_is_copied_off_a_fat_filesystem_in_user_space()
    {
        var image = Path.Combine(_dir, "stick.img");
        using (var f = File.Create(image))
        {
            f.SetLength(8 << 20);
        }

        Run("mkfs.vfat", "-n", "KEELCFG", image);
        var config = Path.Combine(_dir, "server.yaml");
        File.WriteAllText(config, "apiVersion: keel/v1\n");
        Run("mcopy", "-i", image, config, "::keel.yaml");

        var system = new HostSystemAccess();
        Assert.Equal("vfat", await system.FilesystemTypeAsync(image, default));
        var copy = Path.Combine(_dir, "copy.yaml");
        Assert.True(await system.CopyFromFatAsync(image, "keel.yaml", copy, default));
        Assert.Equal("apiVersion: keel/v1\n", File.ReadAllText(copy));
        Assert.False(await system.CopyFromFatAsync(image, "other.yaml", Path.Combine(_dir, "other.yaml"), default));
        Assert.Null(await system.FilesystemTypeAsync(config, default));
    }

    private static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool}: {error.Result}");
    }
}
