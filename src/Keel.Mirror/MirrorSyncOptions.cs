using Keel.Repository.Sources;

namespace Keel.Mirror;

/// <summary>How a sync runs: where the mirror is, how many snapshots stay, how much is fetched at once.</summary>
public sealed record MirrorSyncOptions
{
    /// <summary>The mirror directory (DEST): snapshots/, current, and the .staging pool of a sync in progress.</summary>
    public required string Destination { get; init; }

    /// <summary>Snapshots kept after a publish, the current one included; null keeps all.</summary>
    public int? Keep { get; init; }

    /// <summary>Files fetched and verified at once.</summary>
    public int MaxParallel { get; init; } = 4;

    /// <summary>Timeouts and retries for http(s) sources.</summary>
    public HttpOptions Http { get; init; } = new();

    /// <summary>The clock that names snapshots (tests pin it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>What a sync did to one repository.</summary>
/// <param name="Id">The repository id, also its directory under the snapshot.</param>
/// <param name="Unchanged">repomd.xml is byte-identical to the previous snapshot's, so nothing else was fetched.</param>
/// <param name="Packages">Packages in the repository.</param>
/// <param name="FilesFetched">Metadata and package files downloaded (repomd.xml and its signature not counted: they are always read).</param>
/// <param name="BytesFetched">Bytes of <paramref name="FilesFetched"/>, resumed parts counting only what this run fetched.</param>
/// <param name="FilesReused">Files taken from the previous snapshot or a killed sync's staging pool.</param>
public sealed record RepositorySyncReport(string Id, bool Unchanged, int Packages, int FilesFetched, long BytesFetched, int FilesReused);

/// <summary>What a sync did: the snapshot served now, whether it is new, what was pruned.</summary>
/// <param name="Snapshot">The snapshot `current` points at after the sync.</param>
/// <param name="Published">A new snapshot was made; false when every repository was unchanged.</param>
/// <param name="Previous">The snapshot `current` pointed at before, if any.</param>
public sealed record MirrorSyncReport(string Snapshot, bool Published, string? Previous, IReadOnlyList<RepositorySyncReport> Repositories, IReadOnlyList<string> Pruned);
