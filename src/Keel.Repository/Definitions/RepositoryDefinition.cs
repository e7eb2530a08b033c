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

    /// <summary>Where the definition came from ("file.repo:12", "--repo"), for messages.</summary>
    public string? Origin { get; init; }
}
