using Keel.Packaging;

namespace Keel.Solver;

/// <summary>
/// Tells an unsatisfiable request in words. The input is the unsat core (the original rules a level-0 conflict was
/// derived from); the sentences are ordered as a chain from the job outwards, following the packages each rule
/// mentions, so the reader sees request -> requirement -> conflict.
/// </summary>
internal static class Explainer
{
    public static SolverProblem NoMatch(SolverJob job) =>
        new($"cannot {Verb(job)} {job.Selector}: no package matches '{job.Selector}'", [$"no package matches '{job.Selector}'"]);

    public static SolverProblem NotInstalled(SolverJob job) =>
        new($"cannot {Verb(job)} {job.Selector}: no installed package matches '{job.Selector}'", [$"no installed package matches '{job.Selector}'"]);

    public static SolverProblem Explain(RuleSet rules, IReadOnlyList<int> core)
    {
        var sat = rules.Sat;
        var remaining = new List<int>(core);
        var ordered = new List<int>();
        var frontier = new Queue<int>();
        var seenPkg = new HashSet<int>();

        // Start at the jobs (and at installed packages the request would have to remove).
        foreach (var c in core.Where(c => sat.Info(c).Kind is RuleKind.Job or RuleKind.Erase or RuleKind.Lock).ToList())
        {
            Take(c);
        }

        if (ordered.Count == 0 && remaining.Count > 0)
        {
            Take(remaining[0]);
        }

        while (remaining.Count > 0)
        {
            int next = -1;
            while (frontier.Count > 0 && next < 0)
            {
                int p = frontier.Peek();
                next = remaining.FirstOrDefault(c => Mentions(sat, c, p), -1);
                if (next < 0)
                {
                    frontier.Dequeue();
                }
            }

            Take(next >= 0 ? next : remaining[0]);
        }

        var chain = ordered.Select(c => Sentence(rules, c)).Distinct(StringComparer.Ordinal).ToList();
        var head = Headline(rules, ordered);
        var body = chain.Where(s => !s.StartsWith("the request", StringComparison.Ordinal) || chain.Count == 1);
        return new SolverProblem($"{head}: {string.Join("; ", body)}", chain);

        void Take(int c)
        {
            remaining.Remove(c);
            ordered.Add(c);
            foreach (var l in sat.Literals(c))
            {
                if (seenPkg.Add(Math.Abs(l)))
                {
                    frontier.Enqueue(Math.Abs(l));
                }
            }

            var info = sat.Info(c);
            foreach (var p in new[] { info.Package, info.Other })
            {
                if (p > 0 && seenPkg.Add(p))
                {
                    frontier.Enqueue(p);
                }
            }
        }

    }

    private static bool Mentions(SatCore sat, int clause, int package)
    {
        var info = sat.Info(clause);
        if (info.Package == package || info.Other == package)
        {
            return true;
        }

        foreach (var l in sat.Literals(clause))
        {
            if (Math.Abs(l) == package)
            {
                return true;
            }
        }

        return false;
    }

    private static string Headline(RuleSet rules, List<int> ordered)
    {
        var sat = rules.Sat;
        foreach (var c in ordered)
        {
            var info = sat.Info(c);
            if (info.Kind == RuleKind.Job)
            {
                var job = rules.Jobs[info.Job];
                var lits = sat.Literals(c);
                var what = lits.Length == 1 ? Nevra(rules, lits[0]) : job.Selector.ToString();
                return $"cannot {Verb(job)} {what}";
            }

            if (info.Kind is RuleKind.Erase or RuleKind.Lock && info.Job >= 0)
            {
                return $"cannot {Verb(rules.Jobs[info.Job])} {rules.Jobs[info.Job].Selector}";
            }
        }

        return "the installed system cannot be kept consistent";
    }

    private static string Verb(SolverJob job) => job.Kind switch
    {
        SolverJobKind.Install => "install",
        SolverJobKind.Erase => "remove",
        SolverJobKind.Upgrade or SolverJobKind.UpgradeAll => "upgrade",
        _ => "lock",
    };

    /// <summary>One rule as a sentence, in libsolv's wording where libsolv has one.</summary>
    public static string Sentence(RuleSet rules, int clause)
    {
        var sat = rules.Sat;
        var info = sat.Info(clause);
        var lits = sat.Literals(clause).ToArray();
        string P(int id) => Nevra(rules, id);
        var positives = lits.Where(l => l > 0).Select(P).ToList();
        switch (info.Kind)
        {
            case RuleKind.Job:
                var job = rules.Jobs[info.Job];
                var best = rules.Context.Options.Best && lits.Length > 0 ? " (best candidates only)" : string.Empty;
                return positives.Count == 1
                    ? $"the request is to {Verb(job)} {job.Selector} ({positives[0]})"
                    : $"the request is to {Verb(job)} {job.Selector}, one of {string.Join(", ", positives)}{best}";
            case RuleKind.Requires:
                var dep = info.Dependency!;
                if (positives.Count == 0 && !dep.IsRich)
                {
                    return $"nothing provides {dep} needed by {P(info.Package)}{OnlyAvailable(rules, dep)}";
                }

                if (positives.Count == 0)
                {
                    return $"package {P(info.Package)} requires {dep}, but it cannot be met{OnlyAvailable(rules, dep)}";
                }

                return $"package {P(info.Package)} requires {dep}, which only {string.Join(", ", positives)} provide{(positives.Count == 1 ? "s" : string.Empty)}";
            case RuleKind.Conflicts:
                return info.Other > 0
                    ? $"package {P(info.Package)} conflicts with {info.Dependency} provided by {P(info.Other)}"
                    : $"package {P(info.Package)} conflicts with {info.Dependency}";
            case RuleKind.Obsoletes:
                return $"package {P(info.Package)} obsoletes {info.Dependency} provided by {P(info.Other)}";
            case RuleKind.SameName:
                return $"cannot install both {P(info.Package)} and {P(info.Other)}";
            case RuleKind.Update when info.Job == -3:
                return $"problem with installed package {P(info.Package)}";
            case RuleKind.StrongRecommends:
                return $"package {P(info.Package)} recommends {info.Dependency} (strong recommends)";
            case RuleKind.YumObsoletes:
                return $"{P(info.Package)} obsoletes {info.Dependency} of {P(info.Other)} together with {string.Join(", ", positives)} (yum obsoletes)";
            case RuleKind.DistUpgrade:
                return $"{P(info.Package)} does not belong to a distupgrade repository";
            case RuleKind.Update:
                return info.Job == -2
                    ? $"the best update of {P(info.Package)} is {string.Join(", ", positives)}"
                    : $"{P(info.Package)} is installed and may only be replaced by an update ({(positives.Count > 1 ? string.Join(", ", positives.Skip(1)) : "none available")}); allow erasing to remove it";
            case RuleKind.Erase:
                return $"the request is to remove {P(info.Package)}";
            case RuleKind.Lock:
                return $"{P(info.Package)} is locked";
            default:
                return "a learned rule";
        }
    }

    private static string OnlyAvailable(RuleSet rules, Dependency dep)
    {
        if (dep.IsRich)
        {
            return string.Empty;
        }

        var named = rules.Context.Pool.PackagesNamed(dep.Name);
        var available = named?.Where(id => rules.Context.Considered[id]).Select(id => Nevra(rules, id)).ToList() ?? [];
        return available.Count == 0 ? string.Empty : $" (only {string.Join(", ", available)} {(available.Count == 1 ? "is" : "are")} available)";
    }

    private static string Nevra(RuleSet rules, int literal) => rules.Context.Pool.Package(Math.Abs(literal)).Nevra;
}
