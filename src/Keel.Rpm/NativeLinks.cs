using System.Runtime.InteropServices;

namespace Keel.Rpm;

/// <summary>POSIX link(2) and rename(2), which .NET either lacks or wraps with checks that follow symlinks.</summary>
internal static partial class NativeLinks
{
    public static void CreateHardLink(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot hard-link '{newPath}' to '{existing}': {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>rename(2): atomic, replaces a symlink at <paramref name="newPath"/> itself, and moves links to directories too.</summary>
    public static void Rename(string oldPath, string newPath)
    {
        if (RenameNative(oldPath, newPath) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot rename '{oldPath}' to '{newPath}': {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);
}
