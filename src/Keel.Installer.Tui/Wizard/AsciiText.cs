using System.Text;

namespace Keel.Installer.Tui.Wizard;

/// <summary>Text from the service made printable on a console without Unicode glyphs (the Linux VT, old serial terminals).</summary>
internal static class AsciiText
{
    /// <summary>Dashes and quotes become their ASCII look-alikes, anything else non-ASCII becomes '?'.</summary>
    public static string Fold(string text)
    {
        if (text.All(char.IsAscii))
        {
            return text;
        }
        var folded = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsAscii(c))
            {
                folded.Append(c);
                continue;
            }
            switch (c)
            {
                case '\u2013' or '\u2014' or '\u2212':
                    folded.Append('-');
                    break;
                case '\u2018' or '\u2019':
                    folded.Append('\'');
                    break;
                case '\u201C' or '\u201D':
                    folded.Append('"');
                    break;
                case '\u2026':
                    folded.Append("...");
                    break;
                case '\u00A0':
                    folded.Append(' ');
                    break;
                default:
                    folded.Append('?');
                    break;
            }
        }
        return folded.ToString();
    }
}
