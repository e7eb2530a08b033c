using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// A machine under `keel vm run --interactive` whose serial console is an 80x24 terminal (tmux): the test reads the
/// screen and types at it as a person at a serial terminal would. Disposing stops the machine (keel stops qemu on
/// SIGTERM) and writes the console's transcript to the test output.
/// </summary>
internal sealed class SerialConsole : IDisposable
{
    private readonly TmuxTerminal _terminal;
    private readonly ITestOutputHelper _output;
    private readonly string _name;

    private SerialConsole(TmuxTerminal terminal, ITestOutputHelper output, string name)
    {
        _terminal = terminal;
        _output = output;
        _name = name;
    }

    /// <summary>Boots a machine with <paramref name="vmArguments"/> (keel vm run's disks, media, forwards); the transcript goes to <paramref name="work"/>/<paramref name="name"/>.log.</summary>
    public static SerialConsole Boot(string work, string name, IEnumerable<string> vmArguments, ITestOutputHelper output, int memoryMiB = 2048)
    {
        // The keel that ships in the test's output directory (Keel.Cli is a project reference): the same code as KeelCli.RunAsync.
        var keel = Path.Combine(AppContext.BaseDirectory, "keel");
        Assert.True(File.Exists(keel), $"{keel} is missing: the test project references Keel.Cli, whose apphost should be copied beside the tests");
        var transcript = Path.Combine(work, name + ".log");
        // The limit only ends a run that hangs; every wait below has its own, shorter one.
        string[] command = [keel, "vm", "run", .. vmArguments, "--memory", memoryMiB.ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", "1200", "--interactive"];
        output.WriteLine($"[{name}] {string.Join(' ', command)}");
        return new SerialConsole(TmuxTerminal.Start(command, transcript), output, name);
    }

    /// <summary>The visible 80x24 screen.</summary>
    public string Screen() => _terminal.Screen();

    /// <summary>Waits until <paramref name="text"/> is on the screen; returns the screen.</summary>
    public string WaitForScreen(string text, TimeSpan timeout) => _terminal.WaitForScreen(text, timeout);

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>; returns the screen.</summary>
    public string WaitForScreen(Func<string, bool> condition, TimeSpan timeout, string what) => _terminal.WaitForScreen(condition, timeout, what);

    /// <summary>Waits until <paramref name="text"/> has been written, also if it scrolled away; returns the whole plain transcript.</summary>
    public string WaitForOutput(string text, TimeSpan timeout) => _terminal.WaitForOutput(text, timeout);

    /// <summary>Waits until one of <paramref name="texts"/> has been written (the earliest wins); returns it.</summary>
    public string WaitForOutput(IReadOnlyList<string> texts, TimeSpan timeout) => _terminal.WaitForOutput(texts, timeout).Seen;

    /// <summary>Types text literally.</summary>
    public void Type(string text) => _terminal.Type(text);

    /// <summary>Presses a key (tmux's names: Enter, Tab, BTab, Up, Down, Space, Escape, F2, F10, ...).</summary>
    public void Press(string key, int times = 1) => _terminal.Press(key, times);

    /// <summary>Types a line and presses Enter.</summary>
    public void TypeLine(string text)
    {
        _terminal.Type(text);
        _terminal.Press("Enter");
    }

    /// <summary>
    /// Waits for the machine to end; returns keel vm run's exit code (0: qemu exited with status 0), or -1 when it ended
    /// without the guest kernel's orderly "reboot: Power down" or "reboot: Restarting system" line (qemu runs with -no-reboot,
    /// so an install whose config says reboot ends the same way; a panic's emergency restart prints neither).
    /// </summary>
    public int WaitForPowerOff(TimeSpan timeout)
    {
        var status = _terminal.WaitForExit(timeout);
        var transcript = _terminal.PlainTranscript();
        var orderly = transcript.Contains("reboot: Power down", StringComparison.Ordinal) || transcript.Contains("reboot: Restarting system", StringComparison.Ordinal);
        return status == 0 && !orderly ? -1 : status;
    }

    /// <summary>Everything the console showed so far, escape sequences removed.</summary>
    public string Transcript() => _terminal.PlainTranscript();

    /// <summary>The screen and the transcript's tail, for an assertion message.</summary>
    public string Describe() => _terminal.Describe();

    public void Dispose()
    {
        _terminal.Dispose();
        _output.WriteLine($"===== [{_name}] serial console transcript =====");
        _output.WriteLine(_terminal.PlainTranscript());
    }
}
