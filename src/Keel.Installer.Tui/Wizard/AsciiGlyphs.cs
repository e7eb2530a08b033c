using System.Text;
using Terminal.Gui.Configuration;

namespace Keel.Installer.Tui.Wizard;

/// <summary>Terminal.Gui's glyphs with every non-ASCII one replaced, for the Linux VT and serial consoles.</summary>
internal static class AsciiGlyphs
{
    /// <summary>A copy of <paramref name="source"/> where lines are - and |, corners and junctions +, marks ASCII letters.</summary>
    public static GlyphSettings Create(GlyphSettings source)
    {
        GlyphSettings ascii = source with { };
        foreach (var property in typeof(GlyphSettings).GetProperties())
        {
            if (property.PropertyType != typeof(Rune) || !property.CanWrite)
            {
                continue;
            }
            var rune = (Rune)property.GetValue(source)!;
            if (rune.Value < 128)
            {
                continue;
            }
            property.SetValue(ascii, new Rune(Replacement(property.Name)));
        }
        return ascii;
    }

    private static char Replacement(string name) => name switch
    {
        "CheckStateChecked" => 'X',
        "CheckStateUnChecked" => '_',
        "CheckStateNone" => '-',
        "Selected" => '*',
        "UnSelected" => 'o',
        "LeftBracket" => '[',
        "RightBracket" => ']',
        "RightArrow" or "LeftDefaultIndicator" => '>',
        "LeftArrow" or "RightDefaultIndicator" => '<',
        "UpArrow" => '^',
        "DownArrow" => 'v',
        "HorizontalEllipsis" => '~',
        "BlocksMeterSegment" or "ContinuousMeterSegment" => '#',
        "Stipple" => '.',
        _ when name.StartsWith("Shadow", StringComparison.Ordinal) => ' ',
        _ when name.Contains("HLine", StringComparison.Ordinal) || name is "HalfLeftLine" or "HalfRightLine" or "HalfLeftLineHv" or "HalfRightLineHv" => '-',
        _ when name.Contains("VLine", StringComparison.Ordinal) || name.StartsWith("Half", StringComparison.Ordinal) => '|',
        _ when name.Contains("Corner", StringComparison.Ordinal) || name.Contains("Tee", StringComparison.Ordinal) || name.Contains("Cross", StringComparison.Ordinal) || name.Contains("SideLine", StringComparison.Ordinal) => '+',
        _ => '*',
    };
}
