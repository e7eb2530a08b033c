using Keel.Repository.Metadata;

namespace Keel.Advisories;

/// <summary>The advisories of one repository's updateinfo.</summary>
public sealed record RepositoryAdvisories(string RepositoryId, IReadOnlyList<Advisory> Advisories);

/// <summary>
/// Which advisories apply to a system, by dnf's rule (<c>dnf updateinfo list</c>, "available"): an advisory package
/// applies when the newest installed package with the same name and the same arch has a lower EVR.
/// </summary>
/// <remarks>
/// dnf 4 (commands/updateinfo.py, available_apkg_adv_insts) takes <c>installed().latest(1)</c>, the newest installed
/// package per name.arch, and libdnf's getAdvisoryPkgs(HY_GT) keeps the advisory packages of the same name and arch with
/// a greater EVR. So an older kernel kept beside a newer one does not make an advisory apply, a noarch advisory package
/// does not match an x86_64 installed one, and an advisory listed by two repositories is reported once. dnf also adds
/// the packages of the running kernel; an offline root has no running kernel, so that rule does not arise here.
/// </remarks>
public static class AdvisoryScanner
{
    /// <summary>The findings, ordered by advisory id, then package NEVRA; one per (advisory id, advisory package).</summary>
    public static IReadOnlyList<AdvisoryFinding> Scan(IEnumerable<SystemPackage> installed, IEnumerable<RepositoryAdvisories> repositories)
    {
        ArgumentNullException.ThrowIfNull(installed);
        ArgumentNullException.ThrowIfNull(repositories);
        var newest = new Dictionary<(string Name, string Arch), SystemPackage>();
        foreach (var p in installed)
        {
            if (!newest.TryGetValue((p.Name, p.Arch), out var seen) || p.Evr.CompareTo(seen.Evr) > 0)
            {
                newest[(p.Name, p.Arch)] = p;
            }
        }

        var findings = new Dictionary<(string Id, string Nevra), AdvisoryFinding>();
        foreach (var repo in repositories)
        {
            foreach (var advisory in repo.Advisories)
            {
                foreach (var pkg in advisory.Packages)
                {
                    if (newest.TryGetValue((pkg.Name, pkg.Arch), out var have) && pkg.Evr.CompareTo(have.Evr) > 0)
                    {
                        findings.TryAdd((advisory.Id, pkg.Nevra), new AdvisoryFinding(advisory, repo.RepositoryId, have, pkg));
                    }
                }
            }
        }

        return findings.Values
            .OrderBy(f => f.Advisory.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Fixed.Nevra, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Whether any finding is at or above <paramref name="threshold"/>.</summary>
    public static bool AnyAtOrAbove(IEnumerable<AdvisoryFinding> findings, AdvisorySeverity threshold) =>
        findings.Any(f => f.Severity >= threshold && f.Severity != AdvisorySeverity.None);
}
