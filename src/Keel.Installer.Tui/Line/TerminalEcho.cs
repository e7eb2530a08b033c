using System.Runtime.InteropServices;

namespace Keel.Installer.Tui.Line;

/// <summary>
/// Turns a tty's echo off while a secret is typed (as passwd and cryptsetup do), so a password or passphrase never
/// appears on the console or in a serial console's log; the newline is still echoed, and the old mode comes back.
/// </summary>
public sealed partial class TerminalEcho
{
    // termios on Linux (x86_64 and aarch64 alike): c_iflag, c_oflag, c_cflag, c_lflag (4 bytes each), c_line, c_cc[32],
    // c_ispeed, c_ospeed: 60 bytes. Only c_lflag is changed, so the rest is carried as bytes.
    private const int TermiosSize = 60;
    private const int LocalFlagsOffset = 12;
    private const uint Echo = 0x8;      // ECHO
    private const uint EchoNewline = 0x40; // ECHONL
    private const int SetNow = 0;       // TCSANOW

    private readonly int _fd;

    private TerminalEcho(int fd) => _fd = fd;

    /// <summary>The terminal on file descriptor <paramref name="fd"/> (0: standard input), or null when it is not a tty.</summary>
    public static TerminalEcho? ForDescriptor(int fd)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var mode = new byte[TermiosSize];
        return TcGetAttr(fd, mode) == 0 ? new TerminalEcho(fd) : null;
    }

    /// <summary>True while the tty echoes what is typed.</summary>
    public bool IsEchoing
    {
        get
        {
            var mode = new byte[TermiosSize];
            return TcGetAttr(_fd, mode) == 0 && (LocalFlags(mode) & Echo) != 0;
        }
    }

    /// <summary>Turns echo off (the newline still shows) until the result is disposed; null when the tty refused.</summary>
    public IDisposable? Suppress()
    {
        var saved = new byte[TermiosSize];
        if (TcGetAttr(_fd, saved) != 0)
        {
            return null;
        }

        var quiet = (byte[])saved.Clone();
        BitConverter.TryWriteBytes(quiet.AsSpan(LocalFlagsOffset, 4), (LocalFlags(saved) & ~Echo) | EchoNewline);
        return TcSetAttr(_fd, SetNow, quiet) == 0 ? new Restore(_fd, saved) : null;
    }

    private static uint LocalFlags(byte[] mode) => BitConverter.ToUInt32(mode, LocalFlagsOffset);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, [Out] byte[] termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, byte[] termios);

    private sealed class Restore(int fd, byte[] saved) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (!_done)
            {
                _done = true;
                _ = TcSetAttr(fd, SetNow, saved);
            }
        }
    }
}
