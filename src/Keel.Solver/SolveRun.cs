namespace Keel.Solver;

/// <summary>
/// libsolv's main loop (solver_run_sat) over <see cref="SatCore"/>: assert unit rules, then fill the jobs, then keep
/// (or upgrade) installed packages, then fill every open requirement of the packages chosen so far, then add weak
/// dependencies; each choice goes through <see cref="CandidatePolicy"/>. A conflict is learned from and the loop
/// starts over from the top at the level jumped back to. Packages never decided are not installed.
/// </summary>
internal sealed class SolveRun
{
    private readonly RuleSet rules;
    private readonly SatCore sat;
    private readonly SolveContext ctx;
    private readonly Pool pool;
    private readonly List<int> scratch = [];
    private int[]? openable;
    private int[]? supplementing;
    private readonly List<Branch> branches = [];
    private int[]? unowned;

    public SolveRun(RuleSet rules)
    {
        this.rules = rules;
        sat = rules.Sat;
        ctx = rules.Context;
        pool = ctx.Pool;
    }

    /// <summary>The level-0 conflict that proves the request unsatisfiable, or -1.</summary>
    public int UnsatConflict { get; private set; } = -1;

    /// <summary>Runs to a full assignment; false when the rules cannot all hold.</summary>
    public bool Run()
    {
        int conflict = sat.AssertUnits();
        if (conflict >= 0)
        {
            UnsatConflict = conflict;
            return false;
        }

        while (true)
        {
            // libsolv's focusinstalled: keep (or update) the installed packages before filling the jobs.
            bool focusInstalled = ctx.Options.FocusInstalled;
            var step = focusInstalled ? DecideInstalled() : DecideJobs();
            if (step == Step.None)
            {
                step = focusInstalled ? DecideJobs() : DecideInstalled();
            }

            if (step == Step.None)
            {
                step = DecideRequires();
            }

            if (step == Step.None && !ctx.Options.NoRecommends)
            {
                step = DecideWeak();
            }

            if (step == Step.Unsat)
            {
                return false;
            }

            if (step == Step.None && !Minimize())
            {
                return true;
            }
        }
    }

    /// <summary>
    /// libsolv's auto-minimization: once everything holds, find the earliest choice among several candidates where
    /// a candidate that was not taken ended up installed later anyway; go back to that choice and take it instead
    /// (the first pick may then be unnecessary), and solve on from there.
    /// </summary>
    private bool Minimize()
    {
        int found = -1, take = 0;
        for (int b = branches.Count - 1; b >= 0; b--)
        {
            var branch = branches[b];
            foreach (var p in branch.Candidates)
            {
                if (p != branch.Chosen && sat.Value(p) > 0 && sat.LevelOf(p) > branch.Level)
                {
                    found = b;
                    take = p;
                    break;
                }
            }
        }

        if (found < 0)
        {
            return false;
        }

        var target = branches[found];
        sat.Backjump(target.Level);
        branches.RemoveRange(found, branches.Count - found);
        return Apply(take) != Step.Unsat || UnsatConflict < 0;
    }

    private enum Step
    {
        None,
        Decided,
        Unsat,
    }

    private Step Apply(int literal)
    {
        sat.Decide(literal);
        while (true)
        {
            int conflict = sat.Propagate();
            if (conflict < 0)
            {
                return Step.Decided;
            }

            if (sat.CurrentLevel == 0)
            {
                UnsatConflict = conflict;
                return Step.Unsat;
            }

            sat.Learn(conflict);
            DropUndoneBranches();
        }
    }

    private void DropUndoneBranches()
    {
        int level = sat.CurrentLevel;
        while (branches.Count > 0 && branches[^1].Level >= level)
        {
            branches.RemoveAt(branches.Count - 1);
        }
    }

    private Step Choose(List<int> candidates, PolicyMode mode, RuleInfo origin, Keel.Packaging.Dependency? recommended = null)
    {
        rules.Policy.Filter(candidates, mode);
        if (candidates.Count > 1)
        {
            branches.Add(new Branch(sat.CurrentLevel, [.. candidates], candidates[0], origin, recommended));
        }

        return Apply(candidates[0]);
    }

    /// <summary>The choices among several candidates that stand in the final assignment (libsolv's alternatives).</summary>
    public IEnumerable<(RuleInfo Origin, Keel.Packaging.Dependency? Recommended, int[] Candidates, int Chosen)> Alternatives =>
        branches.Select(b => (b.Origin, b.Recommended, b.Candidates, b.Chosen));

    /// <summary>
    /// A choice among several candidates, made at a new level above <see cref="Level"/>, for the rule
    /// <see cref="Origin"/> (or, with <see cref="Recommended"/>, for a recommendation of the origin's package).
    /// </summary>
    private sealed record Branch(int Level, int[] Candidates, int Chosen, RuleInfo Origin, Keel.Packaging.Dependency? Recommended);

    private Step DecideJobs()
    {
        foreach (var c in rules.JobClauses)
        {
            if (Open(c, scratch))
            {
                return Choose(scratch, PolicyMode.Choose, sat.Info(c));
            }
        }

        return Step.None;
    }

    private Step DecideInstalled()
    {
        // As libsolv's resolve_installed: first the packages asked to be upgraded, then keep the others.
        foreach (var p in rules.InstalledIds)
        {
            if (!rules.UpgradeRequested[p] || sat.Value(p) != 0 || rules.UpdatesOf[p].Any(q => sat.Value(q) > 0))
            {
                continue;
            }

            scratch.Clear();
            scratch.Add(p);
            scratch.AddRange(rules.UpdatesOf[p].Where(q => sat.Value(q) == 0));
            return Choose(scratch, PolicyMode.Recommend, new RuleInfo(RuleKind.Update, p, 0, null, -1));
        }

        foreach (var p in rules.InstalledIds)
        {
            if (sat.Value(p) == 0 && !rules.UpgradeRequested[p])
            {
                return Apply(p);
            }
        }

        return Step.None;
    }

    /// <summary>
    /// libsolv's resolve_dependencies: walk the requires rules in libsolv's rule order (see
    /// <see cref="BuildOpenable"/>), fill each open one whose package is installed, and keep walking (wrapping
    /// around) until a whole round makes no decision; return early only when a conflict jumped back below where the
    /// walk began. As libsolv does, a first round only fills rules that the policy narrows to one candidate and
    /// remembers the first rule with several; the walk then goes on from that rule choosing among several.
    /// </summary>
    private Step DecideRequires()
    {
        openable ??= BuildOpenable();
        int startLevel = sat.CurrentLevel;
        int count = openable.Length;
        int postponed = 0; // libsolv: 0 none yet, > 0 the rule (index + 1) to resume from, -1 no more postponing
        var narrowed = new List<int>();
        for (int i = 0, n = 0; ; i++, n++)
        {
            if (n >= count)
            {
                if (postponed <= 0)
                {
                    break;
                }

                i = postponed - 1;
                postponed = -1;
                n = 0;
            }

            if (i >= count)
            {
                i = 0;
            }

            int c = openable[i];
            if (sat.Value(sat.Info(c).Package) <= 0 || !Open(c, scratch))
            {
                continue;
            }

            if (scratch.Count > 1 && postponed >= 0)
            {
                narrowed.Clear();
                narrowed.AddRange(scratch);
                rules.Policy.Filter(narrowed, PolicyMode.ChooseNoReorder);
                if (narrowed.Count > 1)
                {
                    if (postponed == 0)
                    {
                        postponed = i + 1;
                    }

                    continue;
                }

                scratch.Clear();
                scratch.Add(narrowed[0]);
            }

            var step = Choose(scratch, PolicyMode.Choose, sat.Info(c));
            if (step == Step.Unsat || sat.CurrentLevel <= startLevel)
            {
                return step;
            }

            n = 0;
        }

        // Rules that are not tied to an installed requirer: update rules of installed packages that had to go, rich
        // conflicts; an open one here is rare, so a plain scan is enough.
        foreach (var c in unowned!)
        {
            if (Open(c, scratch))
            {
                return Choose(scratch, PolicyMode.Choose, sat.Info(c));
            }
        }

        return Step.None;
    }

    /// <summary>Requires rules that can need a choice: two-literal ones are always settled by propagation.</summary>
    private int[] BuildOpenable()
    {
        var list = new List<int>();
        var rest = new List<int>();
        for (int c = 0; c < sat.ClauseCount; c++)
        {
            var info = sat.Info(c);
            int length = sat.Literals(c).Length;
            if (info.Kind == RuleKind.Requires && length >= 3)
            {
                list.Add(c);
            }
            else if (length >= 2 && info.Kind is RuleKind.Update or RuleKind.Job or RuleKind.YumObsoletes || (info.Kind == RuleKind.Conflicts && info.Other == 0))
            {
                rest.Add(c);
            }
        }

        unowned = [.. rest];

        // libsolv sorts its package rules (solver_unifyrules) before solving: by the first literal (the requirer,
        // negated, so the highest package id first), then by the remaining literals.
        var keys = new int[list.Count][];
        var order = new int[list.Count];
        for (int k = 0; k < list.Count; k++)
        {
            int requirer = sat.Info(list[k]).Package;
            var lits = sat.Literals(list[k]);
            var key = new List<int>(lits.Length) { -requirer };
            foreach (var l in lits)
            {
                if (l != -requirer)
                {
                    key.Add(l);
                }
            }

            keys[k] = [.. key];
            order[k] = k;
        }

        Array.Sort(order, (a, b) =>
        {
            var ka = keys[a];
            var kb = keys[b];
            for (int k = 0; k < Math.Min(ka.Length, kb.Length); k++)
            {
                if (ka[k] != kb[k])
                {
                    return ka[k].CompareTo(kb[k]);
                }
            }

            return ka.Length != kb.Length ? ka.Length.CompareTo(kb.Length) : a.CompareTo(b);
        });
        // libsolv's recommends rules (strongrecommends) come after its package rules.
        var strong = Enumerable.Range(0, sat.ClauseCount).Where(c => sat.Info(c).Kind == RuleKind.StrongRecommends && sat.Literals(c).Length >= 3);
        return order.Select(k => list[k]).Concat(strong).ToArray();
    }

    /// <summary>
    /// Whether a clause still needs a choice: nothing in it is true and no negative literal can be left undecided
    /// (an undecided package ends up not installed, which satisfies a negative literal). Fills the undecided positives.
    /// </summary>
    private bool Open(int clause, List<int> candidates)
    {
        candidates.Clear();
        foreach (var l in sat.Literals(clause))
        {
            int v = sat.LiteralValue(l);
            if (v > 0 || (l < 0 && v == 0))
            {
                return false;
            }

            if (v == 0)
            {
                candidates.Add(l);
            }
        }

        return candidates.Count > 0;
    }

    private Step DecideWeak()
    {
        var dq = new List<int>();
        var inDq = new HashSet<int>();
        var dqs = new List<int>();
        for (int i = 0; i < sat.TrailCount; i++)
        {
            int p = sat.TrailAt(i);
            if (p <= 0 || pool.IsSystem(p))
            {
                continue;
            }

            foreach (var dep in pool.Package(p).Recommends)
            {
                foreach (var q in OpenRecommendation(dep))
                {
                    if (!Disfavored(q) && inDq.Add(q))
                    {
                        dq.Add(q);
                    }
                }
            }
        }

        supplementing ??= rules.Closure.Where(s => !pool.IsSystem(s) && pool.Package(s).Supplements.Count > 0).ToArray();
        foreach (var s in supplementing)
        {
            if (sat.Value(s) == 0 && !Disfavored(s) && SupplementedByNew(s))
            {
                dqs.Add(s);
                if (inDq.Add(s))
                {
                    dq.Add(s);
                }
            }
        }

        if (dq.Count == 0)
        {
            return Step.None;
        }

        if (dq.Count == 1)
        {
            return Apply(dq[0]);
        }

        rules.Policy.Filter(dq, PolicyMode.Recommend);
        var best = dq.ToHashSet();
        if (rules.Favor is { } favor)
        {
            // libsolv's POLICY_MODE_SUPPLEMENT reorders the supplementing packages by favor.
            dqs = dqs.OrderByDescending(s => favor[s]).ToList();
        }

        foreach (var s in dqs)
        {
            if (best.Contains(s) && sat.Value(s) == 0)
            {
                return Apply(s);
            }
        }

        for (int i = 0; i < sat.TrailCount; i++)
        {
            int p = sat.TrailAt(i);
            if (p <= 0 || pool.IsSystem(p))
            {
                continue;
            }

            foreach (var dep in pool.Package(p).Recommends)
            {
                var candidates = OpenRecommendation(dep).Where(q => best.Contains(q) && !Disfavored(q)).ToList();
                if (candidates.Count > 0)
                {
                    return Choose(candidates, PolicyMode.Choose, new RuleInfo(RuleKind.Requires, p, 0, dep, -1), dep);
                }
            }
        }

        return Step.None;
    }

    private bool Disfavored(int p) => rules.Favor is { } favor && favor[p] < 0;

    /// <summary>The undecided packages that would fill a recommendation nothing fills yet.</summary>
    private List<int> OpenRecommendation(Keel.Packaging.Dependency dep)
    {
        var result = new List<int>();
        if (!dep.IsRich)
        {
            var providers = ctx.WhatProvides(dep);
            foreach (var q in providers)
            {
                if (sat.Value(q) > 0)
                {
                    return [];
                }
            }

            foreach (var q in providers)
            {
                if (sat.Value(q) == 0 && rules.InClosure[q])
                {
                    result.Add(q);
                }
            }

            return result;
        }

        if (ctx.Holds(dep, q => sat.Value(q) > 0))
        {
            return result;
        }

        foreach (var clause in ctx.RequireCnf(dep))
        {
            if (clause.Any(l => sat.LiteralValue(l) > 0))
            {
                continue;
            }

            foreach (var l in clause)
            {
                if (l > 0 && sat.Value(l) == 0 && rules.InClosure[l] && !result.Contains(l))
                {
                    result.Add(l);
                }
            }
        }

        return result;
    }

    /// <summary>libsolv's supplement test without addalreadyrecommended: it must hold thanks to something new in the transaction.</summary>
    private bool SupplementedByNew(int s)
    {
        foreach (var dep in pool.Package(s).Supplements)
        {
            if (ctx.Holds(dep, q => sat.Value(q) > 0) && !ctx.Holds(dep, q => sat.Value(q) > 0 && pool.IsSystem(q)))
            {
                return true;
            }
        }

        return false;
    }
}
