using System.Runtime.InteropServices;

namespace Keel.VirtualMachines;

/// <summary>The one libc call .NET's Process lacks: signalling a whole process group.</summary>
internal static partial class NativeMethods
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to every process in group <paramref name="processGroup"/>; false when none is left.</summary>
    public static bool KillProcessGroup(int processGroup, int signal) => processGroup > 1 && Kill(-processGroup, signal) == 0;
}
