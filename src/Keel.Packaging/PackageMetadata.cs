namespace Keel.Packaging;

/// <summary>Where a package can be fetched from and how to check it (rpm-md's location and checksum).</summary>
public sealed record PackageLocation(string Href, string? ChecksumType, string? Checksum, long Size, string? BaseUrl = null);

/// <summary>
/// What the package layer knows about one binary package, whether it came from repository metadata,
/// an RPM header or an rpmdb: identity, dependencies of every kind and the files it owns.
/// </summary>
public sealed record PackageMetadata
{
    public required string Name { get; init; }

    public required Evr Evr { get; init; }

    public required string Arch { get; init; }

    public string? Summary { get; init; }

    public string? SourceRpm { get; init; }

    public long InstalledSize { get; init; }

    public IReadOnlyList<Dependency> Provides { get; init; } = [];

    public IReadOnlyList<Dependency> Requires { get; init; } = [];

    public IReadOnlyList<Dependency> Conflicts { get; init; } = [];

    public IReadOnlyList<Dependency> Obsoletes { get; init; } = [];

    public IReadOnlyList<Dependency> Recommends { get; init; } = [];

    public IReadOnlyList<Dependency> Suggests { get; init; } = [];

    public IReadOnlyList<Dependency> Supplements { get; init; } = [];

    public IReadOnlyList<Dependency> Enhances { get; init; } = [];

    /// <summary>Files the package owns (full paths). From primary.xml this is only the "primary" subset unless filelists was read.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public PackageLocation? Location { get; init; }

    /// <summary>The id of the repository the package came from (null for an installed package or a local file).</summary>
    public string? RepositoryId { get; init; }

    /// <summary>NAME-[EPOCH:]VERSION-RELEASE.ARCH, the spelling rpm and dnf print.</summary>
    public string Nevra => $"{Name}-{Evr}.{Arch}";

    public override string ToString() => Nevra;
}
