namespace Keel.Installer.Tui;

/// <summary>How the text UI draws and where it runs: ASCII line drawing, the size to assume on a console that reports none, test hooks.</summary>
public sealed record TextUiOptions
{
    /// <summary>True: ASCII line drawing; false: Unicode; null: decided from TERM and the locale variables (<see cref="DetectAscii"/>).</summary>
    public bool? Ascii { get; init; }

    /// <summary>Columns assumed when the console reports 0x0 (a serial console does).</summary>
    public int FallbackWidth { get; init; } = 80;

    /// <summary>Rows assumed when the console reports 0x0.</summary>
    public int FallbackHeight { get; init; } = 24;

    /// <summary>Terminal.Gui driver name ("ansi", "dotnet"); null uses "ansi", which works on a Linux VT, a serial console and tmux.</summary>
    public string? Driver { get; init; }

    /// <summary>Test hook: the screen size to use whatever the console says (tests and captures run at 80x24).</summary>
    internal (int Width, int Height)? ScreenSize { get; init; }

    /// <summary>Test hook: called on the UI thread once the first screen is shown, with a handle to drive and read the UI.</summary>
    internal Action<TextUiProbe>? Started { get; init; }

    /// <summary>
    /// Whether the console should get ASCII line drawing: the Linux VT and old serial terminals lack the box glyphs, and a
    /// locale without UTF-8 cannot carry them.
    /// </summary>
    public static bool DetectAscii(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string term = environment("TERM") ?? "";
        if (term is "" or "linux" or "vt100" or "vt102" or "vt220" or "dumb")
        {
            return true;
        }
        // The first of LC_ALL, LC_CTYPE, LANG that is set decides the character set, as in setlocale(3).
        string? locale = new[] { "LC_ALL", "LC_CTYPE", "LANG" }.Select(environment).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return locale is null || !(locale.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || locale.Contains("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
