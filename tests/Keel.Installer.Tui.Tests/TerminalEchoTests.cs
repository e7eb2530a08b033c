using System.Runtime.InteropServices;
using System.Text;
using Keel.Installer.Api;
using Keel.Installer.Tui.Line;
using Keel.Installer.Tui.Tests.Support;
using Xunit;

namespace Keel.Installer.Tui.Tests;

/// <summary>
/// The line mode types passwords and the passphrase with the tty's echo off: checked on a real pseudo-terminal, where
/// the kernel's line discipline echoes (or does not echo) what the other side types.
/// </summary>
public sealed partial class TerminalEchoTests
{
    [Fact]
    public void A_secret_typed_while_suppressed_is_not_echoed_and_echo_comes_back_after()
    {
        using var pty = Pty.Open();
        var echo = TerminalEcho.ForDescriptor(pty.Terminal);
        Assert.NotNull(echo);
        Assert.True(echo.IsEchoing, "a new pty echoes");

        using (var quiet = echo.Suppress())
        {
            Assert.NotNull(quiet);
            Assert.False(echo.IsEchoing);
            pty.Type("hunter2\n");
            Assert.Equal("\r\n", pty.Echoed());
        }

        Assert.True(echo.IsEchoing);
        pty.Type("visible\n");
        Assert.Equal("visible\r\n", pty.Echoed());
    }

    [Fact]
    public void A_file_is_not_a_terminal()
    {
        using var file = File.OpenHandle("/dev/null");
        Assert.Null(TerminalEcho.ForDescriptor((int)file.DangerousGetHandle()));
    }

    [Fact]
    public async Task The_line_mode_reads_passwords_and_the_passphrase_with_echo_off_and_everything_else_with_echo_on()
    {
        using var pty = Pty.Open();
        var echo = TerminalEcho.ForDescriptor(pty.Terminal)!;
        const string Passphrase = "luks secret phrase";
        string[] answers =
        [
            "", "", "", "node-1", "", "", "", "",
            "yes", Passphrase, Passphrase,      // 9 encrypt, 10-11 the passphrase twice
            "", "admin",
            WizardFlowTests.Password, WizardFlowTests.Password,
            "", "", "", "install", "exit",
        ];
        var reader = new EchoRecordingReader(answers, echo);
        await using RealService service = await RealService.StartAsync("one-disk");
        var output = new StringWriter();
        int code = await new LineInstaller(service.Api, reader, output, echo).RunAsync(default);
        Assert.Equal(0, code);
        Assert.Equal(SessionPhase.Finished, (await service.Session.GetSessionAsync(default)).Phase);

        Assert.Equal(answers.Length, reader.Reads.Count);
        foreach (var (answer, echoing) in reader.Reads)
        {
            bool secret = answer is Passphrase || answer == WizardFlowTests.Password;
            Assert.True(echoing != secret, $"answer '{answer}' was read with echo {(echoing ? "on" : "off")}");
        }

        Assert.True(echo.IsEchoing, "echo is back on after the session");
    }

    /// <summary>Answers one line per read and notes whether the tty echoed at that moment.</summary>
    private sealed class EchoRecordingReader(IEnumerable<string> lines, TerminalEcho echo) : TextReader
    {
        private readonly Queue<string> _lines = new(lines);

        public List<(string Answer, bool Echoing)> Reads { get; } = [];

        public override string? ReadLine()
        {
            if (!_lines.TryDequeue(out var line))
            {
                return null;
            }

            Reads.Add((line, echo.IsEchoing));
            return line;
        }

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadLine());
    }

    /// <summary>A pseudo-terminal pair: the program side (<see cref="Terminal"/>) and the side a person types on.</summary>
    private sealed partial class Pty : IDisposable
    {
        private readonly int _typist;

        private Pty(int typist, int terminal)
        {
            _typist = typist;
            Terminal = terminal;
        }

        public int Terminal { get; }

        public static Pty Open()
        {
            Assert.True(OpenPty(out int typist, out int terminal, 0, 0, 0) == 0, $"openpty failed: errno {Marshal.GetLastPInvokeError()}");
            return new Pty(typist, terminal);
        }

        public void Type(string text)
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            Assert.Equal(bytes.Length, (int)Write(_typist, bytes, bytes.Length));
        }

        /// <summary>What the line discipline echoed back to the typist (waits up to 2 s for the first byte).</summary>
        public string Echoed()
        {
            var text = new StringBuilder();
            var buffer = new byte[256];
            int wait = 2000;
            while (true)
            {
                var fds = new PollFd { Fd = _typist, Events = PollIn };
                if (Poll(ref fds, 1, wait) <= 0)
                {
                    return text.ToString();
                }

                int n = (int)Read(_typist, buffer, buffer.Length);
                if (n <= 0)
                {
                    return text.ToString();
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
                wait = 200;
            }
        }

        public void Dispose()
        {
            _ = Close(_typist);
            _ = Close(Terminal);
        }

        private const short PollIn = 1;

        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [LibraryImport("libc", EntryPoint = "openpty", SetLastError = true)]
        private static partial int OpenPty(out int master, out int slave, nint name, nint termios, nint winsize);

        [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
        private static partial nint Write(int fd, byte[] buffer, nint count);

        [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
        private static partial nint Read(int fd, [Out] byte[] buffer, nint count);

        [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
        private static partial int Poll(ref PollFd fds, nuint count, int timeout);

        [LibraryImport("libc", EntryPoint = "close")]
        private static partial int Close(int fd);
    }
}
