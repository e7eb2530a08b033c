using Keel.Packaging;
using Keel.Repository.Metadata;
using Keel.Solver;

namespace Keel.Repository.Resolution;

/// <summary>The solver jobs a list of specs becomes, and the group members that were skipped because no repository has them.</summary>
public sealed record SpecJobs(IReadOnlyList<SolverJob> Jobs, IReadOnlyList<string> Skipped);

/// <summary>
/// Turns dnf-style install specs into a solver pool and jobs, the one way `keel repo resolve` and the install engine
/// both do it: names, NEVRAs, provides and file paths go to the solver as they are; globs (podman*) become one job per
/// matching package name; @group and @^environment become one job per mandatory and default member of the comps group.
/// </summary>
public static class PackageSpecResolver
{
    /// <summary>A pool of the repositories' binary packages; names matching <paramref name="exclude"/> (names or globs) are hidden, as dnf's excludepkgs.</summary>
    public static Pool BuildPool(IReadOnlyList<LoadedRepository> repos, string arch, IReadOnlyList<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(repos);
        var excluded = exclude ?? [];
        var pool = new Pool(ArchPolicy.For(arch));
        foreach (var r in repos)
        {
            pool.AddRepository(new RepoInfo(r.Id, r.Priority, r.Cost), r.Packages.Where(p => p.Arch is not ("src" or "nosrc") && !excluded.Any(e => PackageFilter.Glob(e, p.Name))));
        }

        return pool;
    }

    /// <summary>Whether <paramref name="spec"/> names a comps group or environment.</summary>
    public static bool IsGroup(string spec) => spec.StartsWith('@');

    /// <summary>Whether <paramref name="spec"/> is a name glob rather than a literal spec.</summary>
    public static bool IsGlob(string spec) => !IsGroup(spec) && spec.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>
    /// The jobs for <paramref name="specs"/>. An unknown group or environment throws InvalidDataException; a glob that
    /// matches nothing is passed on as it is, so the solver reports it like any other name it cannot find.
    /// </summary>
    public static SpecJobs Jobs(IEnumerable<string> specs, IReadOnlyList<LoadedRepository> repos, Pool pool)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(pool);
        var jobs = new List<SolverJob>();
        var skipped = new List<string>();
        var names = pool.Packages.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (IsGlob(spec))
            {
                var matching = pool.Packages.Where(p => PackageFilter.Matches(spec, p)).Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                jobs.AddRange(matching.Count == 0 ? [SolverJob.Install(spec)] : matching.Select(n => new SolverJob(SolverJobKind.Install, PackageSelector.Name(n))));
                continue;
            }

            if (!IsGroup(spec))
            {
                jobs.Add(SolverJob.Install(spec));
                continue;
            }

            // dnf installs what a group names and skips members no repository carries.
            foreach (var name in GroupPackages(spec, repos))
            {
                if (names.Contains(name))
                {
                    jobs.Add(new SolverJob(SolverJobKind.Install, PackageSelector.Name(name)));
                }
                else
                {
                    skipped.Add($"{spec}: no package '{name}' in the repositories, skipped");
                }
            }
        }

        return new SpecJobs(jobs, skipped);
    }

    /// <summary>The package names a group or environment installs: mandatory and default members of each group (an environment's groups and default options).</summary>
    public static IEnumerable<string> GroupPackages(string spec, IReadOnlyList<LoadedRepository> repos)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(repos);
        var groups = repos.SelectMany(r => r.Groups).GroupBy(g => g.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        IEnumerable<string> groupIds;
        if (spec.StartsWith("@^", StringComparison.Ordinal))
        {
            var id = spec[2..];
            var env = repos.SelectMany(r => r.Environments).FirstOrDefault(e => e.Id == id)
                ?? throw new InvalidDataException($"{spec}: no such environment in the repositories' comps");
            groupIds = env.GroupIds.Concat(env.Options.Where(o => o.IsDefault).Select(o => o.GroupId));
        }
        else
        {
            groupIds = [spec[1..]];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gid in groupIds.Distinct(StringComparer.Ordinal))
        {
            if (!groups.TryGetValue(gid, out var group))
            {
                throw new InvalidDataException($"{spec}: no group '{gid}' in the repositories' comps");
            }

            foreach (var p in group.Packages.Where(p => p.Type is CompsPackageType.Mandatory or CompsPackageType.Default))
            {
                if (seen.Add(p.Name))
                {
                    yield return p.Name;
                }
            }
        }
    }
}
