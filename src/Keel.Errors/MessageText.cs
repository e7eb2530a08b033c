using System.Globalization;
using System.Text;

namespace Keel.Errors;

/// <summary>Puts values taken from untrusted input into one-line messages.</summary>
public static class MessageText
{
    /// <summary>
    /// <paramref name="value"/> safe to print inside a one-line message: line breaks and other control characters (which
    /// could forge log lines or drive a terminal) become escapes, and a value longer than <paramref name="max"/> characters
    /// is cut with "...".
    /// </summary>
    public static string Printable(ReadOnlySpan<char> value, int max = 80)
    {
        var sb = new StringBuilder(Math.Min(value.Length, max) + 8);
        foreach (var c in value)
        {
            if (sb.Length >= max)
            {
                return sb.Append("...").ToString();
            }

            switch (c)
            {
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
