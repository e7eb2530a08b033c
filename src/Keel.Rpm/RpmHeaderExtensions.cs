using Keel.Errors;
using Keel.Packaging;

namespace Keel.Rpm;

/// <summary>Typed views of a main header: identity, dependencies, files and scriptlets.</summary>
public static class RpmHeaderExtensions
{
    private const uint SenseStrong = 1u << 27;

    /// <summary>Builds the package model from a main header (or an rpmdb header).</summary>
    public static PackageMetadata ToPackageMetadata(this RpmHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new PackageMetadata
        {
            Name = Required(header, RpmTags.Name, "NAME"),
            Evr = header.GetEvr(),
            Arch = header.GetArch(),
            Summary = header.GetString(RpmTags.Summary),
            SourceRpm = header.GetString(RpmTags.SourceRpm),
            InstalledSize = header.GetNumber(RpmTags.LongSize) ?? header.GetNumber(RpmTags.Size) ?? 0,
            Provides = Plain(header, RpmDependencyKind.Provides),
            Requires = Plain(header, RpmDependencyKind.Requires),
            Conflicts = Plain(header, RpmDependencyKind.Conflicts),
            Obsoletes = Plain(header, RpmDependencyKind.Obsoletes),
            Recommends = Plain(header, RpmDependencyKind.Recommends),
            Suggests = Plain(header, RpmDependencyKind.Suggests),
            Supplements = Plain(header, RpmDependencyKind.Supplements),
            Enhances = Plain(header, RpmDependencyKind.Enhances),
            Files = header.GetFilePaths(),
        };
    }

    /// <summary>True for a source package header: like rpm, one without a SOURCERPM tag.</summary>
    public static bool IsSource(this RpmHeader header) => !header.Contains(RpmTags.SourceRpm);

    /// <summary>The architecture as rpm-md and dnf name it: "src" for source packages, "(none)" when the header has no ARCH (gpg-pubkey).</summary>
    public static string GetArch(this RpmHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var arch = header.GetString(RpmTags.Arch);
        return arch is null ? "(none)" : header.IsSource() ? "src" : arch;
    }

    /// <summary>The package's epoch, version and release; the epoch is null when the header has none.</summary>
    public static Evr GetEvr(this RpmHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var epoch = header.GetNumber(RpmTags.Epoch);
        return new Evr(epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture), Required(header, RpmTags.Version, "VERSION"), Required(header, RpmTags.Release, "RELEASE"));
    }

    /// <summary>Dependencies of one kind with their full flag words, in header order.</summary>
    public static IReadOnlyList<RpmDependency> GetDependencies(this RpmHeader header, RpmDependencyKind kind)
    {
        ArgumentNullException.ThrowIfNull(header);
        var (name, flags, version) = kind switch
        {
            RpmDependencyKind.Provides => (RpmTags.ProvideName, RpmTags.ProvideFlags, RpmTags.ProvideVersion),
            RpmDependencyKind.Requires => (RpmTags.RequireName, RpmTags.RequireFlags, RpmTags.RequireVersion),
            RpmDependencyKind.Conflicts => (RpmTags.ConflictName, RpmTags.ConflictFlags, RpmTags.ConflictVersion),
            RpmDependencyKind.Obsoletes => (RpmTags.ObsoleteName, RpmTags.ObsoleteFlags, RpmTags.ObsoleteVersion),
            RpmDependencyKind.Recommends => (RpmTags.RecommendName, RpmTags.RecommendFlags, RpmTags.RecommendVersion),
            RpmDependencyKind.Suggests => (RpmTags.SuggestName, RpmTags.SuggestFlags, RpmTags.SuggestVersion),
            RpmDependencyKind.Supplements => (RpmTags.SupplementName, RpmTags.SupplementFlags, RpmTags.SupplementVersion),
            _ => (RpmTags.EnhanceName, RpmTags.EnhanceFlags, RpmTags.EnhanceVersion),
        };
        if (header.Contains(name))
        {
            return Read(header, name, flags, version, kind);
        }

        // Before rpm 4.12 weak dependencies lived in two shared tags, strong ones marked with RPMSENSE_STRONG.
        (int Name, int Flags, int Version, bool Strong) old = kind switch
        {
            RpmDependencyKind.Recommends => (RpmTags.OldSuggestsName, RpmTags.OldSuggestsFlags, RpmTags.OldSuggestsVersion, true),
            RpmDependencyKind.Suggests => (RpmTags.OldSuggestsName, RpmTags.OldSuggestsFlags, RpmTags.OldSuggestsVersion, false),
            RpmDependencyKind.Supplements => (RpmTags.OldEnhancesName, RpmTags.OldEnhancesFlags, RpmTags.OldEnhancesVersion, true),
            RpmDependencyKind.Enhances => (RpmTags.OldEnhancesName, RpmTags.OldEnhancesFlags, RpmTags.OldEnhancesVersion, false),
            _ => (0, 0, 0, false),
        };
        if (old.Name == 0 || !header.Contains(old.Name))
        {
            return [];
        }

        return [.. Read(header, old.Name, old.Flags, old.Version, kind).Where(d => ((d.RawFlags & SenseStrong) != 0) == old.Strong)];
    }

    private static RpmDependency[] Read(RpmHeader header, int nameTag, int flagsTag, int versionTag, RpmDependencyKind kind)
    {
        var names = header.GetStrings(nameTag);
        var flags = header.GetNumbers(flagsTag);
        var versions = header.GetStrings(versionTag);
        if ((flags.Count != 0 && flags.Count != names.Count) || (versions.Count != 0 && versions.Count != names.Count))
        {
            throw new InvalidDataException($"{header.SourceName}: {kind} has {names.Count} names but {flags.Count} flags and {versions.Count} versions");
        }

        var result = new RpmDependency[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            uint raw = flags.Count > 0 ? (uint)flags[i] : 0;
            var version = versions.Count > 0 ? versions[i] : string.Empty;
            var sense = (DependencyFlags)(raw & (uint)DependencyFlags.SenseMask);
            result[i] = new RpmDependency(new Dependency(names[i], sense, version.Length > 0 ? Evr.Parse(version) : null), raw);
        }

        return result;
    }

    /// <summary>Full paths of every file, from basenames/dirnames/dirindexes or the old filenames tag.</summary>
    public static IReadOnlyList<string> GetFilePaths(this RpmHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var baseNames = header.GetStrings(RpmTags.BaseNames);
        if (baseNames.Count == 0)
        {
            return header.GetStrings(RpmTags.OldFileNames);
        }

        var dirNames = header.GetStrings(RpmTags.DirNames);
        var dirIndexes = header.GetNumbers(RpmTags.DirIndexes);
        if (dirIndexes.Count != baseNames.Count)
        {
            throw new InvalidDataException($"{header.SourceName}: {baseNames.Count} file basenames but {dirIndexes.Count} directory indexes");
        }

        var paths = new string[baseNames.Count];
        for (int i = 0; i < paths.Length; i++)
        {
            long d = dirIndexes[i];
            if (d < 0 || d >= dirNames.Count)
            {
                throw new InvalidDataException($"{header.SourceName}: file {i} ('{MessageText.Printable(baseNames[i])}') has directory index {d}, but there are {dirNames.Count} directories");
            }

            paths[i] = dirNames[(int)d] + baseNames[i];
        }

        return paths;
    }

    /// <summary>Every file with mode, size, digest, flags, owner and link target.</summary>
    public static IReadOnlyList<RpmFileInfo> GetFiles(this RpmHeader header)
    {
        var paths = header.GetFilePaths();
        var modes = header.GetNumbers(RpmTags.FileModes);
        var sizes = header.Contains(RpmTags.LongFileSizes) ? header.GetNumbers(RpmTags.LongFileSizes) : header.GetNumbers(RpmTags.FileSizes);
        var digests = header.GetStrings(RpmTags.FileDigests);
        var flags = header.GetNumbers(RpmTags.FileFlags);
        var users = header.GetStrings(RpmTags.FileUserName);
        var groups = header.GetStrings(RpmTags.FileGroupName);
        var links = header.GetStrings(RpmTags.FileLinkTos);
        var mtimes = header.GetNumbers(RpmTags.FileMtimes);
        var result = new RpmFileInfo[paths.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new RpmFileInfo(
                paths[i],
                (int)At(modes, i),
                At(sizes, i),
                At(digests, i),
                (int)At(flags, i),
                At(users, i),
                At(groups, i),
                At(links, i),
                At(mtimes, i));
        }

        return result;
    }

    /// <summary>The file digest algorithm (OpenPGP hash id: 1 MD5, 2 SHA1, 8 SHA256, 9 SHA384, 10 SHA512); MD5 when the tag is absent.</summary>
    public static int GetFileDigestAlgorithm(this RpmHeader header) => (int)(header.GetNumber(RpmTags.FileDigestAlgo) ?? 1);

    /// <summary>Which scriptlets and triggers the package has.</summary>
    public static RpmScriptlets GetScriptlets(this RpmHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new RpmScriptlets(
            header.Contains(RpmTags.PreTrans),
            header.Contains(RpmTags.PreIn),
            header.Contains(RpmTags.PostIn),
            header.Contains(RpmTags.PreUn),
            header.Contains(RpmTags.PostUn),
            header.Contains(RpmTags.PostTrans),
            header.Contains(RpmTags.VerifyScript),
            header.GetStrings(RpmTags.TriggerScripts).Count,
            header.GetStrings(RpmTags.FileTriggerScripts).Count + header.GetStrings(RpmTags.TransFileTriggerScripts).Count);
    }

    private static Dependency[] Plain(RpmHeader header, RpmDependencyKind kind) => [.. header.GetDependencies(kind).Select(d => d.Dependency)];

    private static string Required(RpmHeader header, int tag, string name) =>
        header.GetString(tag) ?? throw new InvalidDataException($"{header.SourceName}: header has no {name} tag");

    private static long At(IReadOnlyList<long> values, int i) => i < values.Count ? values[i] : 0;

    private static string At(IReadOnlyList<string> values, int i) => i < values.Count ? values[i] : string.Empty;
}
