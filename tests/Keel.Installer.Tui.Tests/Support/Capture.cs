namespace Keel.Installer.Tui.Tests.Support;

/// <summary>Reading a screen capture: its rows, and the row after the one holding a field's label.</summary>
internal static class Capture
{
    public static string[] Rows(string capture) => capture.Replace("\r", "", StringComparison.Ordinal).Split('\n');

    /// <summary>The row right under the first row containing <paramref name="label"/>: where the screens put a field's error.</summary>
    public static string RowUnder(string capture, string label)
    {
        string[] rows = Rows(capture);
        int i = Array.FindIndex(rows, r => r.Contains(label, StringComparison.Ordinal));
        Xunit.Assert.True(i >= 0 && i + 1 < rows.Length, $"no row with '{label}' on the screen:\n{capture}");
        return rows[i + 1];
    }

    /// <summary>The row <paramref name="below"/> rows under the first row containing <paramref name="label"/>.</summary>
    public static string RowBelow(string capture, string label, int below)
    {
        string[] rows = Rows(capture);
        int i = Array.FindIndex(rows, r => r.Contains(label, StringComparison.Ordinal));
        Xunit.Assert.True(i >= 0 && i + below < rows.Length, $"no row with '{label}' on the screen:\n{capture}");
        return rows[i + below];
    }

    /// <summary>The text of a framed row without the frame and padding.</summary>
    public static string Inner(string row) => row.Trim().Trim('│', '|').Trim();

    /// <summary>The framed body (rows 1-19): what a screen shows, without the status line that changes with every key.</summary>
    public static string Body(string capture) => string.Join("\n", Rows(capture).Skip(1).Take(19));
}
