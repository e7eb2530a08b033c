using System.Diagnostics;

namespace Keel.Tests;

/// <summary>A real loop device (losetup -P) over a sparse file; detached on dispose, also when the test failed.</summary>
internal sealed class LoopDevice : IDisposable
{
    private readonly List<string> _mounts = [];

    public LoopDevice(string backingFile, long sizeBytes, bool readOnly = false)
    {
        BackingFile = backingFile;
        using (var f = File.Create(backingFile))
        {
            f.SetLength(sizeBytes);
        }

        Device = (readOnly ? Run("losetup", "--find", "--show", "--partscan", "--read-only", backingFile)
            : Run("losetup", "--find", "--show", "--partscan", backingFile)).Trim();
    }

    public string BackingFile { get; }

    public string Device { get; }

    public string Partition(int n) => $"{Device}p{n}";

    /// <summary>Makes one ext4 partition over the whole device and mounts it at <paramref name="mountPoint"/>.</summary>
    public void PartitionAndMount(string mountPoint)
    {
        Run("sgdisk", "-n", "1:0:0", Device);
        Run("partx", "-u", Device);
        Run("mkfs.ext4", "-q", Partition(1));
        Directory.CreateDirectory(mountPoint);
        Run("mount", Partition(1), mountPoint);
        _mounts.Add(mountPoint);
    }

    public void Dispose()
    {
        foreach (var m in _mounts)
        {
            Run("umount", m);
        }

        Run("losetup", "-d", Device);
    }

    public static string Run(string tool, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {error}");
        return output;
    }
}
