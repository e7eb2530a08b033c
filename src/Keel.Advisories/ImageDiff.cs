using Keel.Packaging;
using Keel.Repository.Metadata;

namespace Keel.Advisories;

/// <summary>A package present on both sides at different versions.</summary>
public sealed record PackageChange(string Name, string Arch, Evr OldEvr, Evr NewEvr);

/// <summary>What changed between two systems: packages, advisories and config.</summary>
public sealed record ImageDiffResult
{
    public required IReadOnlyList<SystemPackage> Added { get; init; }

    public required IReadOnlyList<SystemPackage> Removed { get; init; }

    public required IReadOnlyList<PackageChange> Upgraded { get; init; }

    public required IReadOnlyList<PackageChange> Downgraded { get; init; }

    /// <summary>Advisories that applied to the old system and do not apply to the new one, by id.</summary>
    public required IReadOnlyList<Advisory> AdvisoriesFixed { get; init; }

    /// <summary>Advisories that apply to the new system and did not apply to the old one (a downgrade, a new package).</summary>
    public required IReadOnlyList<Advisory> AdvisoriesIntroduced { get; init; }

    /// <summary>The config's changed lines with context; null when either side has no config to compare.</summary>
    public IReadOnlyList<DiffLine>? ConfigChanges { get; init; }

    /// <summary>True when nothing differs.</summary>
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Upgraded.Count == 0 && Downgraded.Count == 0
        && AdvisoriesFixed.Count == 0 && AdvisoriesIntroduced.Count == 0 && (ConfigChanges is null || ConfigChanges.Count == 0);
}

/// <summary>
/// Compares two systems (rebuilds of an image, a manifest and a root): packages by name.arch and rpmvercmp, the
/// advisories of the given repositories applied to each side by <see cref="AdvisoryScanner"/>'s rule, and the config text.
/// </summary>
public static class ImageDiff
{
    /// <summary>
    /// Compares <paramref name="oldSystem"/> with <paramref name="newSystem"/>. A name.arch with one version on each side
    /// is an upgrade or a downgrade; with several on either side (install-only kernels) the versions only on the old side
    /// are removed and those only on the new side added.
    /// </summary>
    public static ImageDiffResult Compare(SystemSnapshot oldSystem, SystemSnapshot newSystem, IReadOnlyList<RepositoryAdvisories> advisories)
    {
        ArgumentNullException.ThrowIfNull(oldSystem);
        ArgumentNullException.ThrowIfNull(newSystem);
        ArgumentNullException.ThrowIfNull(advisories);
        var oldBy = ByNameArch(oldSystem.Packages);
        var newBy = ByNameArch(newSystem.Packages);
        List<SystemPackage> added = [], removed = [];
        List<PackageChange> upgraded = [], downgraded = [];
        foreach (var key in oldBy.Keys.Union(newBy.Keys).OrderBy(k => k.Name, StringComparer.Ordinal).ThenBy(k => k.Arch, StringComparer.Ordinal))
        {
            var olds = oldBy.GetValueOrDefault(key) ?? [];
            var news = newBy.GetValueOrDefault(key) ?? [];
            if (olds.Count == 1 && news.Count == 1)
            {
                int c = olds[0].Evr.CompareTo(news[0].Evr);
                if (c != 0)
                {
                    (c < 0 ? upgraded : downgraded).Add(new PackageChange(key.Name, key.Arch, olds[0].Evr, news[0].Evr));
                }

                continue;
            }

            removed.AddRange(olds.Where(o => !news.Any(n => n.Evr.CompareTo(o.Evr) == 0)));
            added.AddRange(news.Where(n => !olds.Any(o => o.Evr.CompareTo(n.Evr) == 0)));
        }

        var oldIds = Applying(oldSystem, advisories);
        var newIds = Applying(newSystem, advisories);
        return new ImageDiffResult
        {
            Added = added,
            Removed = removed,
            Upgraded = upgraded,
            Downgraded = downgraded,
            AdvisoriesFixed = oldIds.Where(kv => !newIds.ContainsKey(kv.Key)).Select(kv => kv.Value).ToArray(),
            AdvisoriesIntroduced = newIds.Where(kv => !oldIds.ContainsKey(kv.Key)).Select(kv => kv.Value).ToArray(),
            ConfigChanges = oldSystem.Config is { } oc && newSystem.Config is { } nc ? LineDiff.Compare(oc, nc) : null,
        };
    }

    private static SortedDictionary<string, Advisory> Applying(SystemSnapshot system, IReadOnlyList<RepositoryAdvisories> advisories)
    {
        var result = new SortedDictionary<string, Advisory>(StringComparer.Ordinal);
        foreach (var f in AdvisoryScanner.Scan(system.Packages, advisories))
        {
            result.TryAdd(f.Advisory.Id, f.Advisory);
        }

        return result;
    }

    private static Dictionary<(string Name, string Arch), List<SystemPackage>> ByNameArch(IEnumerable<SystemPackage> packages)
    {
        var map = new Dictionary<(string Name, string Arch), List<SystemPackage>>();
        foreach (var p in packages)
        {
            if (!map.TryGetValue((p.Name, p.Arch), out var list))
            {
                map[(p.Name, p.Arch)] = list = [];
            }

            list.Add(p);
        }

        return map;
    }
}
