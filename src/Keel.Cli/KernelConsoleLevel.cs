namespace Keel.Cli;

/// <summary>
/// Keeps kernel messages off the console while the text UI draws on it, and puts the level back afterwards: on the
/// serial console a partition rescan ("vda: vda1 vda2") otherwise lands in the middle of the install screen.
/// </summary>
internal sealed class KernelConsoleLevel : IDisposable
{
    private const string PrintkFile = "/proc/sys/kernel/printk";

    // KERN_ERR and worse (levels below 4) still reach the console: a failing disk is worth a garbled screen.
    private const string ErrorsOnly = "4";

    private readonly string? _previous;

    private KernelConsoleLevel(string? previous) => _previous = previous;

    /// <summary>Lowers the console log level; does nothing where the file cannot be read or written (not root, no /proc).</summary>
    public static KernelConsoleLevel ErrorsOnlyWhileRunning()
    {
        try
        {
            string current = File.ReadAllText(PrintkFile).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0];
            File.WriteAllText(PrintkFile, ErrorsOnly);
            return new KernelConsoleLevel(current);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return new KernelConsoleLevel(null);
        }
    }

    public void Dispose()
    {
        if (_previous is null)
        {
            return;
        }

        try
        {
            File.WriteAllText(PrintkFile, _previous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing to do: the machine is usually powering off by now.
        }
    }
}
