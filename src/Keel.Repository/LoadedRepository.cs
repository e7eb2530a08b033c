using Keel.Packaging;
using Keel.Repository.Definitions;
using Keel.Repository.Metadata;
using Keel.Repository.Sources;

namespace Keel.Repository;

/// <summary>A repository's verified, parsed metadata: its packages (excludes applied), comps and advisories.</summary>
public sealed class LoadedRepository
{
    internal LoadedRepository(RepositoryDefinition definition, IRepositorySource source, RepoMdDocument repoMd, IReadOnlyList<PackageMetadata> packages, CompsDocument comps, IReadOnlyList<Advisory> advisories, bool hasFullFilelists)
    {
        Definition = definition;
        Source = source;
        RepoMd = repoMd;
        Packages = packages;
        Comps = comps;
        Advisories = advisories;
        HasFullFilelists = hasFullFilelists;
    }

    public RepositoryDefinition Definition { get; }

    public string Id => Definition.Id;

    public int Priority => Definition.Priority;

    public int Cost => Definition.Cost;

    /// <summary>repomd.xml's revision (often a timestamp).</summary>
    public string? Revision => RepoMd.Revision;

    /// <summary>The base URL or directory the metadata was read from (the first of the definition's that worked).</summary>
    public IRepositorySource Source { get; }

    public RepoMdDocument RepoMd { get; }

    /// <summary>Packages with <see cref="PackageMetadata.RepositoryId"/> and <see cref="PackageMetadata.Location"/> set.</summary>
    public IReadOnlyList<PackageMetadata> Packages { get; }

    public CompsDocument Comps { get; }

    public IReadOnlyList<CompsGroup> Groups => Comps.Groups;

    public IReadOnlyList<CompsEnvironment> Environments => Comps.Environments;

    public IReadOnlyList<CompsCategory> Categories => Comps.Categories;

    public IReadOnlyList<Advisory> Advisories { get; }

    /// <summary>True when <see cref="PackageMetadata.Files"/> holds complete lists from filelists.xml, not primary's subset.</summary>
    public bool HasFullFilelists { get; }

    public override string ToString() => $"{Id} ({Packages.Count} packages from {Source.Base})";
}
