using System.Runtime.InteropServices;

namespace Keel.TargetSystem;

/// <summary>lstat(2) owner and mode of a host path (.NET exposes the mode but not the owner).</summary>
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
    }

    /// <summary>Owner user id.</summary>
    public int Uid { get; }

    /// <summary>Owner group id.</summary>
    public int Gid { get; }

    /// <summary>Permission bits (including setuid/setgid/sticky).</summary>
    public UnixFileMode Mode { get; }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
