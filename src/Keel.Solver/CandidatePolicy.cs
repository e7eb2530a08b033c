using Keel.Packaging;

namespace Keel.Solver;

/// <summary>How a candidate list is pruned and ordered.</summary>
internal enum PolicyMode
{
    /// <summary>All steps, as libsolv's POLICY_MODE_CHOOSE: a requirement, a job or a recommendation to fill.</summary>
    Choose,

    /// <summary>As <see cref="Choose"/> without the final reordering: POLICY_MODE_CHOOSE_NOREORDER.</summary>
    ChooseNoReorder,

    /// <summary>Best versions only (no preference for recommended packages, no reordering): POLICY_MODE_RECOMMEND.</summary>
    Recommend,

    /// <summary>As <see cref="Recommend"/> but priorities compare within a name only: POLICY_MODE_SUGGEST.</summary>
    Suggest,
}

/// <summary>
/// libsolv's policy_filter_unwanted, in Keel's terms: keep the candidates of the best repository priority, then
/// of the best arch (noarch always stays), then the newest version of each name (installed first and lower
/// repository cost first on equal versions), drop candidates obsoleted by another candidate; then prefer what
/// packages already chosen recommend or are supplemented by; finally move versions that are not the newest of
/// their name to the back and packages whose name is installed to the front. The first candidate wins; equal
/// candidates stay in name order (ordinal), as libsolv's strcmp sort leaves them.
/// </summary>
internal sealed class CandidatePolicy
{
    private readonly SolveContext ctx;
    private readonly RuleSet rules;
    private readonly Pool pool;
    private bool[]? recommended;
    private bool[]? suggested;
    private int recommendedUpTo;
    private int backjumpsSeen;

    public CandidatePolicy(SolveContext ctx, RuleSet rules)
    {
        this.ctx = ctx;
        this.rules = rules;
        pool = ctx.Pool;
    }

    /// <summary>The best candidates of each name by priority, arch and version (dnf's best=True candidate set).</summary>
    public List<int> BestOfEachName(List<int> ids)
    {
        var list = new List<int>(ids);
        PruneToHighestPriority(list);
        PruneToBestArch(list);
        PruneToBestVersion(list, pruneObsoleted: false);
        return list;
    }

    /// <summary>Prunes and orders <paramref name="list"/> in place; the first element is the choice.</summary>
    public void Filter(List<int> list, PolicyMode mode)
    {
        if (list.Count > 1 && mode == PolicyMode.Suggest)
        {
            var kept = list.GroupBy(p => pool.Package(p).Name, StringComparer.Ordinal).SelectMany(g =>
            {
                var group = g.ToList();
                PruneToHighestPriority(group);
                return group;
            }).ToList();
            list.Clear();
            list.AddRange(kept);
        }
        else if (list.Count > 1)
        {
            PruneToHighestPriority(list);
        }

        if (list.Count > 1)
        {
            PruneToBestArch(list);
        }

        if (list.Count > 1)
        {
            PruneToBestVersion(list, pruneObsoleted: true);
        }

        if (list.Count > 1 && mode is PolicyMode.Choose or PolicyMode.ChooseNoReorder)
        {
            PruneToRecommended(list);
            if (list.Count > 1 && mode == PolicyMode.Choose)
            {
                DislikeOldVersions(list);
                SortByCommonDependency(list);
                if (rules.Favor is { } favor)
                {
                    var sorted = list.OrderByDescending(p => favor[p]).ToList();
                    list.Clear();
                    list.AddRange(sorted);
                }

                MoveInstalledToFront(list);
                PreferSuggested(list);
            }
        }
    }

    private void PruneToHighestPriority(List<int> list)
    {
        int best = int.MaxValue;
        foreach (var p in list)
        {
            if (!pool.IsSystem(p))
            {
                best = Math.Min(best, pool.Repo(p).Priority);
            }
        }

        if (best != int.MaxValue)
        {
            list.RemoveAll(p => !pool.IsSystem(p) && pool.Repo(p).Priority != best);
        }
    }

    private void PruneToBestArch(List<int> list)
    {
        int best = 0;
        foreach (var p in list)
        {
            int a = ctx.ArchScore[p];
            if (a > 1 && (best == 0 || a < best))
            {
                best = a;
            }
        }

        if (best == 0)
        {
            return;
        }

        var kept = list.Where(p => ctx.ArchScore[p] == 1 || ctx.ArchScore[p] == best).ToList();
        if (kept.Count > 0)
        {
            list.Clear();
            list.AddRange(kept);
        }
    }

    private int CompareForVersion(int a, int b)
    {
        var pa = pool.Package(a);
        var pb = pool.Package(b);
        int r = string.CompareOrdinal(pa.Name, pb.Name);
        if (r != 0)
        {
            return r;
        }

        int sa = ctx.ArchScore[a], sb = ctx.ArchScore[b];
        if (sa != sb && sa > 1 && sb > 1)
        {
            return sa < sb ? -1 : 1;
        }

        bool ia = pool.IsSystem(a), ib = pool.IsSystem(b);
        if (ia != ib)
        {
            return ia ? -1 : 1;
        }

        r = pool.Repo(a).Cost.CompareTo(pool.Repo(b).Cost);
        return r != 0 ? r : a.CompareTo(b);
    }

    private void PruneToBestVersion(List<int> list, bool pruneObsoleted)
    {
        // With favor/disfavor jobs libsolv keeps the best version of each name and favor level (testsolv shows a
        // favored gcc-5 and the newest gcc-7 as the choice, gcc-6 pruned); favor then orders them.
        var favor = rules.Favor;
        list.Sort(favor is null ? CompareForVersion : (a, b) =>
        {
            int r = string.CompareOrdinal(pool.Package(a).Name, pool.Package(b).Name);
            return r != 0 ? r : favor[a] != favor[b] ? favor[b].CompareTo(favor[a]) : CompareForVersion(a, b);
        });
        int w = 0;
        int best = list[0];
        for (int i = 1; i < list.Count; i++)
        {
            int s = list[i];
            if (pool.Package(best).Name != pool.Package(s).Name || (favor is not null && favor[best] != favor[s]))
            {
                list[w++] = best;
                best = s;
                continue;
            }

            if (pool.Package(best).Evr.CompareTo(pool.Package(s).Evr) < 0)
            {
                best = s;
            }
        }

        list[w++] = best;
        list.RemoveRange(w, list.Count - w);
        if (pruneObsoleted && list.Count > 1)
        {
            var snapshot = list.ToArray();
            var kept = list.Where(p => !snapshot.Any(q => q != p && Obsoletes(q, p))).ToList();
            if (kept.Count > 0)
            {
                list.Clear();
                list.AddRange(kept);
            }
        }
    }

    private bool Obsoletes(int q, int p)
    {
        var victim = pool.Package(p);
        foreach (var o in pool.Package(q).Obsoletes)
        {
            if (o.Name == victim.Name && Dependency.RangesOverlap(DependencyFlags.Equal, victim.Evr, o.Flags, o.Evr))
            {
                return true;
            }
        }

        return false;
    }

    private void PruneToRecommended(List<int> list)
    {
        int notInstalled = list.Count(p => !pool.IsSystem(p));
        if (notInstalled < 2)
        {
            return;
        }

        var map = RecommendedMap();
        var kept = new List<int>();
        bool any = false;
        foreach (var p in list)
        {
            if (pool.IsSystem(p))
            {
                kept.Add(p);
                continue;
            }

            if (map[p] || IsSupplementing(p))
            {
                kept.Add(p);
                any = true;
            }
        }

        if (any)
        {
            list.Clear();
            list.AddRange(kept);
        }
    }

    /// <summary>Whether a package's supplements hold for the packages decided so far.</summary>
    public bool IsSupplementing(int p)
    {
        var sat = rules.Sat;
        foreach (var dep in pool.Package(p).Supplements)
        {
            if (ctx.Holds(dep, q => sat.Value(q) > 0))
            {
                return true;
            }
        }

        return false;
    }

    private bool[] RecommendedMap()
    {
        var sat = rules.Sat;
        if (recommended is null || sat.BackjumpMarks.Count != backjumpsSeen)
        {
            recommended ??= new bool[pool.Count + 1];
            suggested ??= new bool[pool.Count + 1];
            for (int i = backjumpsSeen; i < sat.BackjumpMarks.Count; i++)
            {
                if (sat.BackjumpMarks[i] < recommendedUpTo)
                {
                    Array.Clear(recommended);
                    Array.Clear(suggested);
                    recommendedUpTo = 0;
                }
            }

            backjumpsSeen = sat.BackjumpMarks.Count;
        }

        for (; recommendedUpTo < sat.TrailCount; recommendedUpTo++)
        {
            int lit = sat.TrailAt(recommendedUpTo);
            if (lit <= 0)
            {
                continue;
            }

            Mark(recommended, pool.Package(lit).Recommends);
            Mark(suggested!, pool.Package(lit).Suggests);
        }

        return recommended;
    }

    private void Mark(bool[] map, IReadOnlyList<Dependency> deps)
    {
        foreach (var dep in deps)
        {
            if (dep.IsRich)
            {
                foreach (var clause in ctx.RequireCnf(dep))
                {
                    foreach (var l in clause)
                    {
                        if (l > 0)
                        {
                            map[l] = true;
                        }
                    }
                }
            }
            else
            {
                foreach (var q in ctx.WhatProvides(dep))
                {
                    map[q] = true;
                }
            }
        }
    }

    /// <summary>
    /// libsolv's prefer_suggested: suggests and enhances are never installed for their own sake, but among equal
    /// candidates the ones suggested by (or enhancing) packages already chosen, and installed ones, go first.
    /// </summary>
    private void PreferSuggested(List<int> list)
    {
        RecommendedMap();
        var sat = rules.Sat;
        var good = new List<int>();
        var bad = new List<int>();
        foreach (var p in list)
        {
            bool preferred = pool.IsSystem(p) || suggested![p]
                || pool.Package(p).Enhances.Any(dep => ctx.Holds(dep, q => sat.Value(q) > 0));
            (preferred ? good : bad).Add(p);
        }

        if (good.Count > 0 && bad.Count > 0)
        {
            list.Clear();
            list.AddRange(good);
            list.AddRange(bad);
        }
    }

    private void DislikeOldVersions(List<int> list)
    {
        var bad = new List<int>();
        var good = new List<int>();
        foreach (var p in list)
        {
            (IsOldVersion(p) ? bad : good).Add(p);
        }

        if (bad.Count > 0 && good.Count > 0)
        {
            list.Clear();
            list.AddRange(good);
            list.AddRange(bad);
        }
    }

    private bool IsOldVersion(int p)
    {
        if (pool.IsSystem(p))
        {
            return false;
        }

        var pkg = pool.Package(p);
        int prio = pool.Repo(p).Priority;
        foreach (var q in pool.PackagesNamed(pkg.Name)!)
        {
            if (q == p || pool.IsSystem(q) || !ctx.Considered[q] || pool.Package(q).Arch != pkg.Arch)
            {
                continue;
            }

            int qprio = pool.Repo(q).Priority;
            if (qprio != prio)
            {
                if (qprio < prio)
                {
                    return true;
                }

                continue;
            }

            if (pool.Package(q).Evr.CompareTo(pkg.Evr) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// libsolv's sort_by_common_dep: when candidates provide the same name with "=", "&lt;=" or "&lt;" versions, the
    /// ones providing a lower version move back (e.g. of providers of "Y = 2" and "Y = 1", the first wins).
    /// </summary>
    private void SortByCommonDependency(List<int> list)
    {
        var entries = new List<(int Index, string Name, Evr Evr, bool Less)>();
        for (int i = 0; i < list.Count; i++)
        {
            foreach (var pr in pool.Package(list[i]).Provides)
            {
                var f = pr.Flags & DependencyFlags.SenseMask;
                if (pr.Evr is null || !(f == DependencyFlags.Equal || f == (DependencyFlags.Equal | DependencyFlags.Less) || f == DependencyFlags.Less))
                {
                    continue;
                }

                if (f == DependencyFlags.Equal && IsHash(pr.Evr.ToFullString()))
                {
                    continue;
                }

                entries.Add((i, pr.Name, pr.Evr, f == DependencyFlags.Less));
            }
        }

        if (entries.Count < 2)
        {
            return;
        }

        int Cmp((int Index, string Name, Evr Evr, bool Less) a, (int Index, string Name, Evr Evr, bool Less) b)
        {
            int r = string.CompareOrdinal(a.Name, b.Name);
            if (r != 0)
            {
                return r;
            }

            r = b.Evr.CompareTo(a.Evr);
            if (r == 0 && a.Less != b.Less)
            {
                return a.Less ? 1 : -1;
            }

            return r;
        }

        var sorted = entries.Select((e, k) => (e, k)).OrderBy(x => x.e, Comparer<(int, string, Evr, bool)>.Create(Cmp)).ThenBy(x => x.k).Select(x => x.e).ToList();
        var badness = new int[list.Count];
        bool any = false;
        int bad = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            if (i > 0 && sorted[i].Name == sorted[i - 1].Name)
            {
                if (sorted[i].Index != sorted[i - 1].Index && Cmp(sorted[i - 1], sorted[i]) < 0)
                {
                    bad++;
                    any = true;
                }
            }
            else
            {
                bad = 0;
            }

            badness[sorted[i].Index] += bad;
        }

        if (!any)
        {
            return;
        }

        for (int i = 0; i < list.Count; i++)
        {
            if (pool.IsSystem(list[i]))
            {
                badness[i] = 0;
            }
        }

        var order = Enumerable.Range(0, list.Count).OrderBy(i => badness[i]).ThenBy(i => i).Select(i => list[i]).ToList();
        list.Clear();
        list.AddRange(order);
    }

    private static bool IsHash(string s) => s.Length >= 4 && s.All(c => c is (>= 'a' and <= 'f') or (>= '0' and <= '9'));

    private void MoveInstalledToFront(List<int> list)
    {
        var front = new List<int>();
        var back = new List<int>();
        foreach (var p in list)
        {
            bool installedName = pool.IsSystem(p) || pool.PackagesNamed(pool.Package(p).Name)!.Any(pool.IsSystem);
            (installedName ? front : back).Add(p);
        }

        if (front.Count > 0 && back.Count > 0)
        {
            list.Clear();
            list.AddRange(front);
            list.AddRange(back);
        }
    }
}
