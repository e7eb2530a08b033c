using System.Runtime.InteropServices;

namespace Keel.VirtualMachines;

/// <summary>The libc calls .NET lacks: signalling a whole process group, and realpath(3).</summary>
internal static partial class NativeMethods
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to every process in group <paramref name="processGroup"/>; false when none is left.</summary>
    public static bool KillProcessGroup(int processGroup, int signal) => processGroup > 1 && Kill(-processGroup, signal) == 0;

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    /// <summary>The canonical absolute path of an existing file (every symbolic link resolved), or null if it cannot be resolved.</summary>
    public static string? CanonicalPath(string path)
    {
        var resolved = RealPath(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }
}
