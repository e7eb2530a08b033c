using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Keel.DiskImages.Tests;

/// <summary>Runs the real inspection tools (sgdisk, blkid, debugfs, mtools, qemu-img) the tests check results with.</summary>
internal static partial class HostCommands
{
    /// <summary>Runs a tool and returns stdout; fails the test with its stderr when it exits non-zero (unless <paramref name="allowFailure"/>).</summary>
    public static string Run(string program, params string[] args) => RunFull(program, args, allowFailure: false).Output;

    public static (int Exit, string Output, string Error) RunFull(string program, string[] args, bool allowFailure, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["LC_ALL"] = "C";
        psi.Environment["TZ"] = "UTC";
        psi.Environment["MTOOLS_SKIP_CHECK"] = "1";
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}");
        }

        return (p.ExitCode, output, err.Result);
    }

    /// <summary>blkid's view of the filesystem at <paramref name="offset"/>, as KEY=VALUE pairs.</summary>
    public static Dictionary<string, string> Blkid(string path, long offset) =>
        Run("blkid", "-p", "-O", offset.ToString(), "-o", "export", path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);

    public static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(s));
    }

    /// <summary>Sets an extended attribute on a file without following symlinks (the attr package is not on every host).</summary>
    public static void SetXattr(string path, string name, byte[] value)
    {
        if (lsetxattr(path, name, value, (nuint)value.Length, 0) != 0)
        {
            throw new IOException($"lsetxattr {path} {name}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>An extended attribute's value read without following symlinks, or null when the path does not have it.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        var buffer = new byte[4096];
        var n = lgetxattr(path, name, buffer, (nuint)buffer.Length);
        return n < 0 ? null : buffer[..(int)n];
    }

    /// <summary>
    /// Runs <paramref name="check"/> on the filesystem in [offset, offset+size) of <paramref name="path"/>, mounted read-only through a
    /// read-only loop device; unmounts and detaches whatever happens.
    /// </summary>
    public static void WithReadOnlyMount(string path, long offset, long size, string type, Action<string> check)
    {
        var loop = Run("losetup", "--find", "--show", "--read-only", "--offset", offset.ToString(), "--sizelimit", size.ToString(), path).Trim();
        var mountPoint = Directory.CreateTempSubdirectory("keel-diskimages-mnt-").FullName;
        try
        {
            Run("mount", "-t", type, "-o", "ro,nouuid", loop, mountPoint);
            try
            {
                check(mountPoint);
            }
            finally
            {
                Run("umount", mountPoint);
            }
        }
        finally
        {
            Run("losetup", "--detach", loop);
            Directory.Delete(mountPoint);
        }
    }

    /// <summary>Loop devices and mounts that mention <paramref name="text"/> (a temporary path): what a failed run must not leave behind.</summary>
    public static string[] LeftoversMentioning(string text) =>
        Run("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE").Split('\n').Concat(File.ReadAllLines("/proc/self/mountinfo"))
            .Where(l => l.Contains(text, StringComparison.Ordinal)).ToArray();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr(string path, string name, byte[] value, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr(string path, string name, byte[] value, nuint size, int flags);

    /// <summary>Sets a path's mtime and atime without following a symlink.</summary>
    public static void Touch(string path, long seconds) => Run("touch", "-h", "-d", "@" + seconds, path);
}

/// <summary>A temporary directory removed with everything in it when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("keel-diskimages-test-").FullName;

    /// <summary>A temporary directory under <paramref name="parent"/> (e.g. a tmpfs, whose readdir order is not the disk's).</summary>
    public TempDir(string parent)
    {
        Path = System.IO.Path.Combine(parent, "keel-diskimages-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
