namespace Keel.Advisories;

/// <summary>One line of a line diff: ' ' kept, '-' only in the old text, '+' only in the new.</summary>
public readonly record struct DiffLine(char Kind, string Text)
{
    public override string ToString() => $"{Kind}{Text}";
}

/// <summary>A line diff by longest common subsequence (configs are short: the table is bounded by <see cref="MaxLines"/>).</summary>
public static class LineDiff
{
    /// <summary>Largest number of lines on either side that is diffed line by line; larger texts are shown as replaced.</summary>
    public const int MaxLines = 4000;

    /// <summary>The changed lines with <paramref name="context"/> unchanged lines around each change; empty when equal.</summary>
    public static IReadOnlyList<DiffLine> Compare(string oldText, string newText, int context = 2)
    {
        ArgumentNullException.ThrowIfNull(oldText);
        ArgumentNullException.ThrowIfNull(newText);
        var a = Split(oldText);
        var b = Split(newText);
        var all = a.Length > MaxLines || b.Length > MaxLines
            ? [.. a.Select(l => new DiffLine('-', l)), .. b.Select(l => new DiffLine('+', l))]
            : Lcs(a, b);
        var keep = new bool[all.Count];
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].Kind != ' ')
            {
                for (int j = Math.Max(0, i - context); j <= Math.Min(all.Count - 1, i + context); j++)
                {
                    keep[j] = true;
                }
            }
        }

        return all.Where((_, i) => keep[i]).ToArray();
    }

    private static string[] Split(string text) => text.Length == 0 ? [] : text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private static List<DiffLine> Lcs(string[] a, string[] b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                table[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal) ? table[i + 1, j + 1] + 1 : Math.Max(table[i + 1, j], table[i, j + 1]);
            }
        }

        var result = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (string.Equals(a[x], b[y], StringComparison.Ordinal))
            {
                result.Add(new DiffLine(' ', a[x++]));
                y++;
            }
            else if (table[x + 1, y] >= table[x, y + 1])
            {
                result.Add(new DiffLine('-', a[x++]));
            }
            else
            {
                result.Add(new DiffLine('+', b[y++]));
            }
        }

        result.AddRange(a[x..].Select(l => new DiffLine('-', l)));
        result.AddRange(b[y..].Select(l => new DiffLine('+', l)));
        return result;
    }
}
