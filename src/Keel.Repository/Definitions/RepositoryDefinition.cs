namespace Keel.Repository.Definitions;

/// <summary>
/// One repository as a user configured it (a .repo section or a --repo option): where it is, which keys sign it,
/// and how it ranks against others. Defaults follow dnf's.
/// </summary>
public sealed record RepositoryDefinition
{
    /// <summary>dnf's default priority: lower numbers win.</summary>
    public const int DefaultPriority = 99;

    /// <summary>dnf's default cost: among equal priorities, cheaper repositories are preferred for downloads.</summary>
    public const int DefaultCost = 1000;

    public required string Id { get; init; }

    public string? Name { get; init; }

    /// <summary>Base URLs (http, https, file) or local directories, tried in order.</summary>
    public required IReadOnlyList<string> BaseUrls { get; init; }

    /// <summary>Public key locations (file:// URLs, paths, or http(s) URLs).</summary>
    public IReadOnlyList<string> GpgKeys { get; init; } = [];

    /// <summary>
    /// Pinned primary-key fingerprints: when given, only keys with one of them count, and a key over plain http is
    /// accepted because of the pin. This is how a key found inside the repository itself can be trusted.
    /// </summary>
    public IReadOnlyList<string> GpgKeyFingerprints { get; init; } = [];

    /// <summary>Whether packages must carry a valid signature by one of <see cref="GpgKeys"/>.</summary>
    public bool GpgCheck { get; init; }

    /// <summary>Whether repomd.xml must carry a valid detached signature (repomd.xml.asc) by one of <see cref="GpgKeys"/>.</summary>
    public bool RepoGpgCheck { get; init; }

    public int Priority { get; init; } = DefaultPriority;

    public int Cost { get; init; } = DefaultCost;

    /// <summary>Glob patterns over package names (or NEVRAs) that are hidden from this repository.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>When non-empty, only packages matching one of these globs are visible.</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];

    public bool Enabled { get; init; } = true;

    /// <summary>When the repository cannot be loaded, skip it with a warning instead of failing.</summary>
    public bool SkipIfUnavailable { get; init; }

    /// <summary>
    /// Refuse metadata whose newest repomd timestamp is older than this; null: no limit. A freshness guarantee, unlike
    /// dnf's metadata_expire, which only says how long a cached copy is used before it is fetched again.
    /// </summary>
    public TimeSpan? MetadataMaxAge { get; init; }

    /// <summary>Where the definition came from ("file.repo:12", "--repo"), for messages.</summary>
    public string? Origin { get; init; }

    /// <summary>Parses a maximum age: seconds, or a number with s, m, h or d ("7d"); FormatException otherwise.</summary>
    public static TimeSpan ParseMaxAge(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        char unit = t.Length > 0 && char.IsAsciiLetter(t[^1]) ? t[^1] : 's';
        var digits = char.IsAsciiLetter(unit) && t.Length > 0 && char.IsAsciiLetter(t[^1]) ? t[..^1] : t;
        if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > int.MaxValue)
        {
            throw new FormatException($"'{text}' is not a duration: use seconds or a number with s, m, h or d (e.g. 7d)");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => throw new FormatException($"'{text}' is not a duration: use seconds or a number with s, m, h or d (e.g. 7d)"),
        };
    }
}
