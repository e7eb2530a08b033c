using Keel.Repository.Cache;
using Keel.Repository.Sources;

namespace Keel.Repository;

/// <summary>What to read from a repository and where to cache it.</summary>
public sealed record RepositoryLoadOptions
{
    /// <summary>The cache; null means <see cref="KeelCache.Default"/>.</summary>
    public KeelCache? Cache { get; init; }

    /// <summary>Reuse and write the parsed-metadata cache (a warm load then skips XML).</summary>
    public bool UseParsedCache { get; init; } = true;

    /// <summary>Read filelists.xml and give every package its complete file list (needed for file dependencies).</summary>
    public bool IncludeFilelists { get; init; }

    /// <summary>Read comps (groups, environments, categories) when the repository has them.</summary>
    public bool IncludeComps { get; init; } = true;

    /// <summary>Read updateinfo (advisories) when the repository has it.</summary>
    public bool IncludeUpdateInfo { get; init; } = true;

    /// <summary>When set, packages of other architectures are dropped (list the arch, its compatible ones and noarch).</summary>
    public IReadOnlySet<string>? Arches { get; init; }

    /// <summary>The clock a maximum metadata age is measured with.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Timeouts and retries for http(s) repositories.</summary>
    public HttpOptions Http { get; init; } = new();
}
