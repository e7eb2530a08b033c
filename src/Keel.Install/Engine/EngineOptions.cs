using Keel.Install.Devices;
using Keel.Repository.Cache;

namespace Keel.Install.Engine;

/// <summary>How the engine runs, beside the plan: caches, the fixed time, the device guard.</summary>
public sealed record EngineOptions
{
    /// <summary>Repository metadata and package cache; null means <see cref="KeelCache.Default"/>.</summary>
    public KeelCache? Cache { get; init; }

    /// <summary>Fixed time for everything the run stamps (SOURCE_DATE_EPOCH); null: now.</summary>
    public long? SourceDateEpoch { get; init; }

    /// <summary>Checks a device before anything is written; null: the real /proc and /sys.</summary>
    public InstallTargetGuard? Guard { get; init; }

    /// <summary>
    /// A path on the install medium the run was started from (the live installer's mounted medium); the guard refuses
    /// the disk holding it. Null: keel's own directory, as for `keel install`.
    /// </summary>
    public string? MediumPath { get; init; }

    /// <summary>`keel build --pin`: the exact package set to install instead of solving the config's request; null: solve.</summary>
    public PackagePin? Pin { get; init; }

    /// <summary>Signs the image manifest (image.json.asc); null: the manifest is written unsigned.</summary>
    public Signing.GpgSigner? ManifestSigner { get; init; }

    /// <summary>What the install.record step writes into the machine (the live installer's record); null: the step is left out.</summary>
    public InstallRecord? Record { get; init; }
}
