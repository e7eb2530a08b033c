using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Keel.Tests;

/// <summary>
/// A command running in a real terminal emulator: a detached tmux session of a fixed size on a private tmux server,
/// read with capture-pane (the screen as a person sees it) and typed at with send-keys, everything it wrote kept in a
/// transcript (pipe-pane). Disposing stops the command (SIGTERM, so it can clean up) and then the tmux server.
/// </summary>
internal sealed partial class TmuxTerminal : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private readonly string _socket;
    private readonly int _panePid;
    private bool _disposed;
    private Stopwatch? _deadWithoutStatus;

    private TmuxTerminal(string socket, string transcript, int panePid)
    {
        _socket = socket;
        Transcript = transcript;
        _panePid = panePid;
    }

    /// <summary>Everything the command wrote to the terminal, escape sequences included.</summary>
    public string Transcript { get; }

    /// <summary>
    /// Starts <paramref name="command"/> (program and arguments, no shell) in a <paramref name="width"/>x<paramref name="height"/>
    /// terminal; its output is appended to <paramref name="transcript"/>. The pane stays after the command ends, so its
    /// last screen can still be read.
    /// </summary>
    public static TmuxTerminal Start(IReadOnlyList<string> command, string transcript, int width = 80, int height = 24)
    {
        // A private server (its own socket) so the test never touches a person's tmux sessions, and kill-server ends it all.
        var socket = Path.Combine(Path.GetTempPath(), "keel-tmux-" + Guid.NewGuid().ToString("N")[..12]);
        // The command waits until the transcript pipe is attached: what it printed before pipe-pane ran was never in the
        // transcript (a fast first prompt was lost once on a loaded machine). "exec" then makes the pane's process the
        // command itself: its pid is the one Dispose signals.
        var ready = socket + ".ready";
        var shellCommand = $"while [ ! -e {Quote(ready)} ]; do sleep 0.02; done; exec " + string.Join(' ', command.Select(Quote));
        Tmux(socket, "-f", "/dev/null", "new-session", "-d", "-s", "keel", "-x", Text(width), "-y", Text(height), shellCommand);
        try
        {
            Tmux(socket, "set-option", "-t", "keel", "remain-on-exit", "on");
            Tmux(socket, "pipe-pane", "-t", "keel", "-o", "cat >> " + Quote(transcript));
            File.WriteAllText(ready, "");
            var pid = int.Parse(Tmux(socket, "display-message", "-p", "-t", "keel", "#{pane_pid}").Trim(), CultureInfo.InvariantCulture);
            return new TmuxTerminal(socket, transcript, pid);
        }
        catch
        {
            TryTmux(socket, "kill-server");
            throw;
        }
    }

    /// <summary>The visible screen, one line per row, trailing blanks trimmed.</summary>
    public string Screen() => Tmux(_socket, "capture-pane", "-p", "-t", "keel");

    /// <summary>The command's exit status once it has ended, else null.</summary>
    public int? ExitStatus()
    {
        var state = Tmux(_socket, "display-message", "-p", "-t", "keel", "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}").Trim().Split('|');
        if (state[0] != "1")
        {
            return null;
        }

        var status = state.ElementAtOrDefault(1) ?? "";
        var signal = state.ElementAtOrDefault(2) ?? "";
        if (status.Length > 0)
        {
            return int.Parse(status, CultureInfo.InvariantCulture);
        }

        if (signal.Length > 0)
        {
            return 128 + int.Parse(signal, CultureInfo.InvariantCulture);
        }

        // tmux marks the pane dead when the pty closes and knows the status only once it has reaped the process (3.3a
        // prints "0" for a clean exit): in between both are empty. Reading that at once as 0 made a quit (130) look like
        // success on a loaded machine, so the status gets time to arrive (a full suite on 2 cores has delayed it past 5 s). A pane that stays dead without one (seen
        // after `keel vm run --interactive` powered its machine off) is reported as 0, as tmux's own pane_dead_status did
        // before the process was reaped; SerialConsole checks the guest's own power-off line beside it.
        _deadWithoutStatus ??= Stopwatch.StartNew();
        return _deadWithoutStatus.Elapsed > TimeSpan.FromSeconds(30) ? 0 : null;
    }

    /// <summary>Waits until <paramref name="text"/> is on the screen; returns the screen.</summary>
    public string WaitForScreen(string text, TimeSpan timeout) =>
        WaitForScreen(s => s.Contains(text, StringComparison.Ordinal), timeout, $"'{text}'");

    /// <summary>
    /// Waits until the screen satisfies <paramref name="condition"/>; returns that screen. Fails with the screen and the
    /// transcript's tail when the time is up or the command has ended without it.
    /// </summary>
    public string WaitForScreen(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var screen = Screen();
            if (condition(screen))
            {
                return screen;
            }

            if (ExitStatus() is { } status)
            {
                throw new TimeoutException($"{what} never appeared: the command ended with status {status}\n{Describe()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not appear within {timeout.TotalSeconds:0} s\n{Describe()}");
            }

            Thread.Sleep(Poll);
        }
    }

    /// <summary>
    /// Waits until <paramref name="text"/> has been written at all (escapes removed), also if it has scrolled off the
    /// screen since; returns the plain transcript.
    /// </summary>
    public string WaitForOutput(string text, TimeSpan timeout) => WaitForOutput([text], timeout).Transcript;

    /// <summary>
    /// Waits until one of <paramref name="texts"/> has been written (the first in the transcript wins); returns it and the
    /// plain transcript. A test names the failure lines too, so a machine that stopped is seen at once, not at the timeout.
    /// </summary>
    public (string Seen, string Transcript) WaitForOutput(IReadOnlyList<string> texts, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var transcript = PlainTranscript();
            var seen = texts.Select(t => (Text: t, At: transcript.IndexOf(t, StringComparison.Ordinal))).Where(x => x.At >= 0).OrderBy(x => x.At).FirstOrDefault();
            if (seen.Text is not null)
            {
                return (seen.Text, transcript);
            }

            var what = string.Join("' or '", texts);
            if (ExitStatus() is { } status)
            {
                throw new TimeoutException($"'{what}' was never written: the command ended with status {status}\n{Describe()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"'{what}' was not written within {timeout.TotalSeconds:0} s\n{Describe()}");
            }

            Thread.Sleep(Poll);
        }
    }

    /// <summary>Waits for the command to end; returns its exit status.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (ExitStatus() is { } status)
            {
                return status;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"the command did not end within {timeout.TotalSeconds:0} s\n{Describe()}");
            }

            Thread.Sleep(Poll);
        }
    }

    /// <summary>Types <paramref name="text"/> literally, as keystrokes.</summary>
    public void Type(string text) => Tmux(_socket, "send-keys", "-t", "keel", "-l", "--", text);

    /// <summary>Presses a key <paramref name="times"/> times, by tmux's name: Enter, Tab, BTab, Up, Down, Left, Right, Space, Escape, F2, F10, BSpace, C-a, ...</summary>
    public void Press(string key, int times = 1)
    {
        for (int i = 0; i < times; i++)
        {
            Tmux(_socket, "send-keys", "-t", "keel", key);
        }
    }

    /// <summary>The transcript with escape sequences and carriage returns removed: what a log reader wants to see.</summary>
    public string PlainTranscript()
    {
        if (!File.Exists(Transcript))
        {
            return "";
        }

        var raw = Encoding.UTF8.GetString(File.ReadAllBytes(Transcript));
        return EscapeSequence().Replace(raw, "").Replace("\r", "", StringComparison.Ordinal);
    }

    /// <summary>The current screen and the last of the transcript, for a failure message.</summary>
    public string Describe()
    {
        var transcript = PlainTranscript();
        var tail = transcript.Length > 4000 ? transcript[^4000..] : transcript;
        string screen;
        try
        {
            screen = Screen();
        }
        catch (InvalidOperationException e)
        {
            screen = "(no screen: " + e.Message + ")";
        }

        return $"--- screen ---\n{screen}\n--- transcript (last 4000 characters, escapes removed) ---\n{tail}";
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // SIGTERM first: the command (keel vm run) stops its machine and removes its files; the tmux server's own
        // hang-up would come as SIGHUP, which not every program turns into a clean stop.
        if (ExitStatusOrNull() is null)
        {
            // Process.Kill would send SIGKILL, which leaves qemu running in its own session; kill(1) sends SIGTERM.
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Text(_panePid)]) { UseShellExecute = false }))
            {
                kill?.WaitForExit();
            }

            var clock = Stopwatch.StartNew();
            while (ExitStatusOrNull() is null && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(Poll);
            }
        }

        TryTmux(_socket, "kill-server");
        try
        {
            File.Delete(_socket);
            File.Delete(_socket + ".ready");
        }
        catch (IOException)
        {
        }
    }

    private int? ExitStatusOrNull()
    {
        try
        {
            return ExitStatus();
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private static string Tmux(string socket, params string[] arguments)
    {
        var psi = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-S");
        psi.ArgumentList.Add(socket);
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("tmux could not be started (apt-get install tmux)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)}: exit {process.ExitCode}: {stderr.Trim()}");
        }

        return stdout.Result;
    }

    private static void TryTmux(string socket, params string[] arguments)
    {
        try
        {
            Tmux(socket, arguments);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-character escapes (ESC c, ESC =, ESC ( B, ...).
    [GeneratedRegex(@"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[@-Z\\-_=>78c]")]
    private static partial Regex EscapeSequence();
}
