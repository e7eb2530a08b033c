using System.Runtime.InteropServices;

namespace Keel.Mirror;

/// <summary>The libc calls .NET has no managed API for: hard links and rename over a symlink.</summary>
internal static partial class NativeFiles
{
    /// <summary>Hard-links <paramref name="existing"/> as <paramref name="link"/>; copies when the filesystem refuses a link.</summary>
    public static void LinkOrCopy(string existing, string link)
    {
        if (Link(existing, link) == 0)
        {
            return;
        }

        // EXDEV (another filesystem), EPERM (protected_hardlinks, filesystems without links): a copy serves as well.
        int errno = Marshal.GetLastPInvokeError();
        if (errno == EExist)
        {
            throw new IOException($"{link}: already exists");
        }

        File.Copy(existing, link, overwrite: false);
    }

    /// <summary>rename(2): atomically replaces <paramref name="newPath"/> (a symlink included) with <paramref name="oldPath"/>.</summary>
    public static void RenameOver(string oldPath, string newPath)
    {
        if (Rename(oldPath, newPath) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{newPath}: rename from {oldPath} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>syncfs(2) on the filesystem of the open file <paramref name="handle"/>: every file written there reaches the disk.</summary>
    public static void SyncFileSystem(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path)
    {
        if (SyncFs((int)handle.DangerousGetHandle()) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{path}: syncfs failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    private const int EExist = 17;

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string oldPath, string newPath);
}
