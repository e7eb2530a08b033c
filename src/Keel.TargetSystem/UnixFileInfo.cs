using System.Runtime.InteropServices;

namespace Keel.TargetSystem;

/// <summary>lstat(2) owner, mode, type and mtime of a host path (.NET exposes the mode but not the owner or the type).</summary>
public readonly partial struct UnixFileInfo
{
    /// <summary>Reads the owner and mode of <paramref name="hostPath"/> without following a final symlink.</summary>
    public UnixFileInfo(string hostPath)
    {
        // statx with AT_SYMLINK_NOFOLLOW; layout is the kernel's stable struct statx.
        var buffer = new byte[256];
        if (Statx(-100, hostPath, 0x100, 0x0fff, buffer) != 0)
        {
            throw new IOException($"{hostPath}: statx failed (errno {Marshal.GetLastPInvokeError()})");
        }

        Uid = BitConverter.ToInt32(buffer, 20);
        Gid = BitConverter.ToInt32(buffer, 24);
        Mode = (UnixFileMode)(BitConverter.ToUInt16(buffer, 28) & 0xfff);
        TypeLetter = (BitConverter.ToUInt16(buffer, 28) & 0xf000) switch
        {
            0x8000 => 'f',
            0x4000 => 'd',
            0xa000 => 'l',
            0x2000 => 'c',
            0x6000 => 'b',
            0x1000 => 'p',
            0xc000 => 's',
            _ => '?',
        };
        ModifiedSeconds = BitConverter.ToInt64(buffer, 112);
    }

    /// <summary>Owner user id.</summary>
    public int Uid { get; }

    /// <summary>Owner group id.</summary>
    public int Gid { get; }

    /// <summary>Permission bits (including setuid/setgid/sticky).</summary>
    public UnixFileMode Mode { get; }

    /// <summary>The file type as find's %y prints it: f, d, l (the link itself), c, b, p, s.</summary>
    public char TypeLetter { get; }

    /// <summary>The modification time in whole seconds since the epoch (of the link itself for a link).</summary>
    public long ModifiedSeconds { get; }

    /// <summary>
    /// "regular file", "directory", "character device", ... for the path (links followed, as an open that follows does),
    /// or null when nothing is there. .NET reports no file type besides directory and link, and a reader of untrusted
    /// input must refuse devices and FIFOs before opening them.
    /// </summary>
    public static string? KindOf(string hostPath)
    {
        var buffer = new byte[256];
        if (Statx(-100, hostPath, 0, 0x1, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is 2 or 20 ? null : throw new IOException($"{hostPath}: cannot be examined (errno {errno})");
        }

        return (BitConverter.ToUInt16(buffer, 28) & 0xf000) switch
        {
            0x8000 => "regular file",
            0x4000 => "directory",
            0x2000 => "character device",
            0x6000 => "block device",
            0x1000 => "FIFO",
            0xc000 => "socket",
            _ => "special file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
