using Keel.Packaging;

namespace Keel.Solver;

/// <summary>
/// libsolv's solver_get_recommendations over a finished assignment: the packages that the chosen packages recommend
/// (or suggest) and nothing fills yet, plus packages supplementing (or enhancing) what is chosen, pruned to the best
/// version of each name. Used to tell a user what was left out, e.g. when weak dependencies are not installed.
/// </summary>
internal static class Recommendations
{
    public static (List<PackageMetadata> Recommended, List<PackageMetadata> Suggested) Compute(RuleSet rules)
    {
        var recommended = Collect(rules, p => p.Recommends, p => p.Supplements);
        var suggested = Collect(rules, p => p.Suggests, p => p.Enhances);
        var pool = rules.Context.Pool;
        return (recommended.Select(pool.Package).ToList(), suggested.Select(pool.Package).ToList());
    }

    private static List<int> Collect(RuleSet rules, Func<PackageMetadata, IReadOnlyList<Dependency>> forward, Func<PackageMetadata, IReadOnlyList<Dependency>> reverse)
    {
        var ctx = rules.Context;
        var pool = ctx.Pool;
        var sat = rules.Sat;
        var map = new bool[pool.Count + 1];
        var obsoleted = new bool[pool.Count + 1];
        for (int p = 1; p <= pool.Count; p++)
        {
            if (sat.Value(p) <= 0)
            {
                continue;
            }

            var pkg = pool.Package(p);
            if (pool.IsSystem(p))
            {
                // An installed package's obsoletes rule out what they name (libsolv's obsmap).
                foreach (var o in pkg.Obsoletes)
                {
                    foreach (var q in ctx.WhatProvides(o))
                    {
                        obsoleted[q] = true;
                    }
                }
            }

            foreach (var dep in forward(pkg))
            {
                var providers = dep.IsRich ? RichPositives(ctx, dep) : ctx.WhatProvides(dep);
                bool filled = dep.IsRich ? ctx.Holds(dep, q => sat.Value(q) > 0) : providers.Any(q => sat.Value(q) > 0);
                foreach (var q in providers)
                {
                    if (!filled || sat.Value(q) > 0)
                    {
                        map[q] = true;
                    }
                }
            }
        }

        var list = new List<int>();
        for (int q = 1; q <= pool.Count; q++)
        {
            if (sat.Value(q) < 0 || obsoleted[q] || !ctx.Considered[q] || RuledOut(rules, q))
            {
                continue;
            }

            if (map[q] || (!pool.IsSystem(q) && reverse(pool.Package(q)).Any(d => ctx.Holds(d, r => sat.Value(r) > 0))))
            {
                list.Add(q);
            }
        }

        if (list.Count > 1)
        {
            rules.Policy.Filter(list, PolicyMode.Suggest);
        }

        return list;
    }

    private static IEnumerable<int> RichPositives(SolveContext ctx, Dependency dep) =>
        ctx.RequireCnf(dep).SelectMany(c => c).Where(l => l > 0).Distinct().ToArray();

    /// <summary>
    /// Keel does not make rules for packages only a suggestion reaches (libsolv does), so an unreached package that a
    /// conflict with an installed package would have set to false is recognised here.
    /// </summary>
    private static bool RuledOut(RuleSet rules, int q)
    {
        var sat = rules.Sat;
        if (sat.Value(q) != 0 || rules.InClosure[q])
        {
            return false;
        }

        var ctx = rules.Context;
        var pool = ctx.Pool;
        var pkg = pool.Package(q);
        foreach (var c in pkg.Conflicts)
        {
            if (!c.IsRich && ctx.WhatProvides(c).Any(r => r != q && sat.Value(r) > 0))
            {
                return true;
            }
        }

        foreach (var p in rules.Closure)
        {
            if (sat.Value(p) > 0 && pool.Package(p).Conflicts.Any(c => !c.IsRich && ctx.WhatProvides(c).Contains(q)))
            {
                return true;
            }
        }

        return false;
    }
}
