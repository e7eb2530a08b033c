namespace Keel.Installer;

/// <summary>
/// The console the installer talks on (keel-installer.service gives it the console's stdin and stdout): every stage line
/// goes there and into the install log; the one question reads a line from it. With <paramref name="json"/> (--progress
/// json) every line is the log's JSON object ({"type":"installer","message":...}), so stdout stays one JSON stream.
/// </summary>
public sealed class InstallerConsole(TextWriter output, TextReader input, InstallLog log, bool json = false)
{
    /// <summary>The console output (the engine's progress renderer writes here too).</summary>
    public TextWriter Output { get; } = output;

    /// <summary>The install log the lines are copied to.</summary>
    public InstallLog Log { get; } = log;

    /// <summary>Prints one line and logs it.</summary>
    public void Say(string line)
    {
        var logged = Log.Message(line);
        Output.WriteLine(json ? logged : line);
        Output.Flush();
    }

    /// <summary>Prints lines without logging them (help text, the plan); in JSON mode as one message object.</summary>
    public void Show(string text)
    {
        if (json)
        {
            Output.WriteLine(InstallLog.Format("installer", text));
        }
        else
        {
            Output.Write(text);
        }

        Output.Flush();
    }

    /// <summary>Asks <paramref name="question"/> and reads one line; true only for y or yes. End of input is no.</summary>
    public bool Confirm(string question)
    {
        Output.Write(json ? InstallLog.Format("question", question + " [y/N]") + "\n" : question + " [y/N] ");
        Output.Flush();
        var answer = input.ReadLine()?.Trim();
        var yes = answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
        if (!json)
        {
            Output.WriteLine();
        }

        Log.Message($"{question} answered '{answer ?? "(end of input)"}'");
        return yes;
    }
}
