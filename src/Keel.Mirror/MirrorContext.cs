using Keel.Progress;

namespace Keel.Mirror;

/// <summary>What every repository of one sync shares: the tree being assembled, the previous snapshot, the pool.</summary>
internal sealed record MirrorContext(
    string Tree,
    string? PreviousSnapshot,
    SnapshotIndex PreviousIndex,
    SnapshotIndex NewIndex,
    StagingPool Pool,
    int MaxParallel,
    IProgress<EngineEvent>? Progress)
{
    /// <summary>The end of every refusal: what clients are served meanwhile.</summary>
    public string KeptNote => PreviousSnapshot is null
        ? "nothing was published"
        : $"nothing was published; current still serves snapshot {Path.GetFileName(PreviousSnapshot)}";
}
