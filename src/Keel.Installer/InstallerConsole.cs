namespace Keel.Installer;

/// <summary>
/// The console the installer talks on (keel-installer.service gives it the console's stdin and stdout): every stage line
/// goes there and into the install log; the one question reads a line from it.
/// </summary>
public sealed class InstallerConsole(TextWriter output, TextReader input, InstallLog log)
{
    /// <summary>The console output (the engine's progress renderer writes here too).</summary>
    public TextWriter Output { get; } = output;

    /// <summary>The install log the lines are copied to.</summary>
    public InstallLog Log { get; } = log;

    /// <summary>Prints one line and logs it.</summary>
    public void Say(string line)
    {
        Output.WriteLine(line);
        Output.Flush();
        Log.Message(line);
    }

    /// <summary>Prints lines without logging them (help text, the plan).</summary>
    public void Show(string text)
    {
        Output.Write(text);
        Output.Flush();
    }

    /// <summary>Asks <paramref name="question"/> and reads one line; true only for y or yes. End of input is no.</summary>
    public bool Confirm(string question)
    {
        Output.Write(question + " [y/N] ");
        Output.Flush();
        var answer = input.ReadLine()?.Trim();
        var yes = answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
        Output.WriteLine();
        Log.Message($"{question} answered '{answer ?? "(end of input)"}'");
        return yes;
    }
}
