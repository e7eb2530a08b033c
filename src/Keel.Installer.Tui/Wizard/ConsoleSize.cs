using System.Runtime.InteropServices;

namespace Keel.Installer.Tui.Wizard;

/// <summary>
/// The tty's window size. A serial console reports 0x0, which would leave nothing to draw on; the installer then sets
/// the size it assumes on the tty itself (TIOCSWINSZ), so Terminal.Gui and any child process read the same size.
/// </summary>
internal static partial class ConsoleSize
{
    private const ulong TIOCGWINSZ = 0x5413;
    private const ulong TIOCSWINSZ = 0x5414;

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, ref WinSize size);

    /// <summary>When standard input is a tty that reports no size, sets <paramref name="columns"/>x<paramref name="rows"/> on it; true when it did.</summary>
    public static bool EnsureSize(int columns, int rows)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var size = default(WinSize);
        if (Ioctl(0, TIOCGWINSZ, ref size) != 0 || (size.Rows > 0 && size.Columns > 0))
        {
            return false;
        }
        size.Rows = (ushort)rows;
        size.Columns = (ushort)columns;
        return Ioctl(0, TIOCSWINSZ, ref size) == 0;
    }
}
