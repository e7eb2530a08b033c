using Keel.Packaging;

namespace Keel.Repository.Download;

/// <summary>What happened to a package download.</summary>
public enum DownloadState
{
    Started,
    Transferring,

    /// <summary>A verified copy was taken from the cache or was already at the destination.</summary>
    Reused,
    Completed,
    Failed,
}

/// <summary>A progress event for one package.</summary>
public sealed record DownloadProgress(PackageMetadata Package, DownloadState State, long BytesDone, long BytesTotal, string? Error = null);

/// <summary>Where a package ended up.</summary>
public sealed record DownloadResult(PackageMetadata Package, string Path, bool Reused);

/// <summary>Download behaviour.</summary>
public sealed record DownloadOptions
{
    /// <summary>Packages fetched at once.</summary>
    public int MaxParallel { get; init; } = 4;

    /// <summary>Package cache (by checksum); null means <see cref="Cache.KeelCache.Default"/>.</summary>
    public Cache.KeelCache? Cache { get; init; }

    /// <summary>Reuse and fill the package cache.</summary>
    public bool UseCache { get; init; } = true;
}
