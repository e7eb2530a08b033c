namespace Keel.Packaging;

/// <summary>rpm's version-segment comparison (rpmvercmp), including tilde and caret.</summary>
public static class RpmVersion
{
    /// <summary>Compares two version or release strings exactly as rpm does; returns -1, 0 or 1.</summary>
    public static int Compare(string? a, string? b) => Compare((a ?? string.Empty).AsSpan(), (b ?? string.Empty).AsSpan());

    /// <inheritdoc cref="Compare(string?, string?)"/>
    public static int Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b))
        {
            return 0;
        }

        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && !IsAlnum(a[i]) && a[i] != '~' && a[i] != '^')
            {
                i++;
            }

            while (j < b.Length && !IsAlnum(b[j]) && b[j] != '~' && b[j] != '^')
            {
                j++;
            }

            char ca = i < a.Length ? a[i] : '\0';
            char cb = j < b.Length ? b[j] : '\0';

            // Tilde sorts before everything, even the end of the string.
            if (ca == '~' || cb == '~')
            {
                if (ca != '~')
                {
                    return 1;
                }

                if (cb != '~')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            // Caret sorts after the end of the string but before any other segment.
            if (ca == '^' || cb == '^')
            {
                if (ca == '\0')
                {
                    return -1;
                }

                if (cb == '\0')
                {
                    return 1;
                }

                if (ca != '^')
                {
                    return 1;
                }

                if (cb != '^')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (ca == '\0' || cb == '\0')
            {
                break;
            }

            int si = i, sj = j;
            bool isNum = IsDigit(ca);
            if (isNum)
            {
                while (i < a.Length && IsDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && IsDigit(b[j]))
                {
                    j++;
                }
            }
            else
            {
                while (i < a.Length && IsAlpha(a[i]))
                {
                    i++;
                }

                while (j < b.Length && IsAlpha(b[j]))
                {
                    j++;
                }
            }

            // A numeric segment is newer than an alpha one.
            if (sj == j)
            {
                return isNum ? 1 : -1;
            }

            var segA = a[si..i];
            var segB = b[sj..j];
            if (isNum)
            {
                segA = segA.TrimStart('0');
                segB = segB.TrimStart('0');
                if (segA.Length != segB.Length)
                {
                    return segA.Length > segB.Length ? 1 : -1;
                }
            }

            int rc = segA.SequenceCompareTo(segB);
            if (rc != 0)
            {
                return rc < 0 ? -1 : 1;
            }
        }

        bool endA = i >= a.Length, endB = j >= b.Length;
        if (endA && endB)
        {
            return 0;
        }

        return endA ? -1 : 1;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsAlpha(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsAlnum(char c) => IsDigit(c) || IsAlpha(c);
}
