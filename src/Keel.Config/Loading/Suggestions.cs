namespace Keel.Config.Loading;

/// <summary>"Did you mean" hints by edit distance (optimal string alignment, so a swap of two letters costs one).</summary>
public static class Suggestions
{
    /// <summary>The closest candidate within a distance that scales with the word's length, or null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // Case and separators are the commonest slips (repo_gpgcheck, PermitRootLogin): compare folded too.
            int d = Math.Min(Distance(word, candidate), Distance(Fold(word), Fold(candidate)));
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }

        int limit = Math.Max(2, word.Length / 3);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>"did you mean 'x'?" or null.</summary>
    public static string? Hint(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } s ? $"did you mean '{s}'?" : null;

    private static string Fold(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Optimal string alignment distance.</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue / 2;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
