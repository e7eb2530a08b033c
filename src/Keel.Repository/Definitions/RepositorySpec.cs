namespace Keel.Repository.Definitions;

/// <summary>
/// Turns a command-line repository ("SRC" or "ID=SRC", SRC a directory, file://, http:// or https:// URL) into a
/// definition. Without an id, one is derived from the last path segment; gpgcheck is on with no key (give one with
/// --repo-key or in a .repo file).
/// </summary>
public static class RepositorySpec
{
    /// <summary>Parses one spec; <paramref name="taken"/> holds ids already used so derived ids stay unique.</summary>
    public static RepositoryDefinition Parse(string spec, ISet<string>? taken = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = spec.Trim();
        string? id = null;
        string source = spec;
        int eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && IsId(spec.AsSpan(0, eq)))
        {
            id = spec[..eq];
            source = spec[(eq + 1)..];
        }

        if (source.Length == 0)
        {
            throw new FormatException($"--repo '{spec}': no directory or URL given");
        }

        if (source.Contains("://", StringComparison.Ordinal)
            && !source.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
            && !source.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            && !source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"--repo '{spec}': unsupported URL scheme (use a directory, file://, http:// or https://)");
        }

        if (id is not null && taken is not null && !taken.Add(id))
        {
            throw new FormatException($"--repo '{spec}': repository id '{id}' is used twice");
        }

        id ??= DeriveId(source, taken);
        return new RepositoryDefinition
        {
            Id = id,
            Name = source,
            BaseUrls = [source],
            // On, as dnf's default: without a key given on the command line, downloading from it is refused rather
            // than quietly unverified (--nogpgcheck is the operator's explicit way out).
            GpgCheck = true,
            Origin = "--repo " + spec,
        };
    }

    private static bool IsId(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    private static string DeriveId(string source, ISet<string>? taken)
    {
        var trimmed = source.TrimEnd('/');
        var last = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        var baseId = new string(last.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        if (baseId.Length == 0 || baseId.All(c => c == '.'))
        {
            baseId = "repo";
        }

        var id = baseId;
        for (int n = 2; taken is not null && !taken.Add(id); n++)
        {
            id = $"{baseId}-{n}";
        }

        return id;
    }
}
