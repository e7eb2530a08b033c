using Keel.Packaging;

namespace Keel.Solver;

/// <summary>
/// The clauses for one solve, made the way libsolv makes them: starting from the jobs' candidates and the installed
/// packages, each reachable package contributes its requires, conflicts, obsoletes and same-name rules; installed
/// packages get an update rule (keep it or replace it by an update) unless erasing is allowed. Only packages
/// reachable from the request get variables that can become true.
/// </summary>
internal sealed class RuleSet
{
    private readonly SolveContext ctx;
    private readonly Pool pool;
    private readonly bool[] processed;
    private readonly Queue<int> queue = new();
    private readonly bool hardUpdates;
    private readonly bool distUpgrade;
    private ISet<(int Package, Dependency Dependency)>? droppedRecommends;

    private RuleSet(SolveContext ctx, IReadOnlyList<SolverJob> jobs, ISet<int> disabledJobs)
    {
        this.ctx = ctx;
        pool = ctx.Pool;
        int n = pool.Count + 1;
        Sat = new SatCore(n);
        InClosure = new bool[n];
        processed = new bool[n];
        RequiresOf = new List<int>?[n];
        UpdatesOf = new int[n][];
        UpgradeRequested = new bool[n];
        Erased = new bool[n];
        Locked = new bool[n];
        Policy = new CandidatePolicy(ctx, this);
        bool anyErase = jobs.Where((j, i) => !disabledJobs.Contains(i)).Any(j => j.Kind == SolverJobKind.Erase);
        hardUpdates = !ctx.Options.AllowErasing && !anyErase;
        distUpgrade = jobs.Where((j, i) => !disabledJobs.Contains(i)).Any(j => j.Kind == SolverJobKind.DistUpgrade);
        Jobs = jobs;
        DisabledJobs = disabledJobs;
    }

    public SatCore Sat { get; }

    public IReadOnlyList<SolverJob> Jobs { get; }

    public ISet<int> DisabledJobs { get; }

    public CandidatePolicy Policy { get; }

    public bool[] InClosure { get; }

    /// <summary>The packages that got rules, in the order they were reached.</summary>
    public List<int> Closure { get; } = [];

    /// <summary>Per package: the clauses that its requires (and rich conflicts) became.</summary>
    public List<int>?[] RequiresOf { get; }

    /// <summary>Per installed package: the packages that may replace it (newer same name, or obsoleting it).</summary>
    public int[][] UpdatesOf { get; }

    public bool[] UpgradeRequested { get; }

    public bool[] Erased { get; }

    /// <summary>Packages matched by a lock job: installed ones stay, others are never installed.</summary>
    public bool[] Locked { get; }

    /// <summary>Clause ids of install jobs, in job order.</summary>
    public List<int> JobClauses { get; } = [];

    /// <summary>Per package id, from favor (&gt; 0) and disfavor (&lt; 0) jobs; null without such jobs.</summary>
    public int[]? Favor { get; private set; }

    /// <summary>Installed packages in id order.</summary>
    public List<int> InstalledIds { get; } = [];

    /// <summary>Jobs that fail before any solving (nothing matches), with their explanation.</summary>
    public List<(int Job, SolverProblem Problem)> ImmediateProblems { get; } = [];

    public SolveContext Context => ctx;

    public static RuleSet Build(SolveContext ctx, IReadOnlyList<SolverJob> jobs, ISet<int> disabledJobs, bool choiceRules, ISet<(int Package, Dependency Dependency)>? droppedRecommends = null)
    {
        var rules = new RuleSet(ctx, jobs, disabledJobs) { droppedRecommends = droppedRecommends };
        rules.AddJobs();
        rules.Close();
        if (choiceRules && rules.InstalledIds.Count > 0)
        {
            rules.AddChoiceRules();
        }

        return rules;
    }

    /// <summary>Whether any choice rule was added (if so, an unsatisfiable result must be re-checked without them).</summary>
    public bool HasChoiceRules { get; private set; }

    /// <summary>
    /// libsolv's choice rules: when a new package's requirement can be met by replacing an installed package (an
    /// update of it, or a package obsoleting it) or by an unrelated package, narrow the requirement to the
    /// replacements, so that "A requires P = 2" upgrades the installed provider of P rather than adding another.
    /// They are not part of the problem: if the request is unsatisfiable with them, it is solved again without.
    /// </summary>
    private void AddChoiceRules()
    {
        var replaces = new Dictionary<int, List<int>>();
        foreach (var q in InstalledIds)
        {
            foreach (var u in UpdatesOf[q])
            {
                if (!replaces.TryGetValue(u, out var list))
                {
                    replaces[u] = list = [];
                }

                list.Add(q);
            }
        }

        int count = Sat.ClauseCount;
        for (int c = 0; c < count; c++)
        {
            var info = Sat.Info(c);
            if (info.Kind != RuleKind.Requires)
            {
                continue;
            }

            var lits = Sat.Literals(c).ToArray();
            var m = lits.Where(l => l > 0).ToHashSet();
            var pairs = new List<(int Installed, int Candidate)>();
            bool independent = false;
            foreach (var l in lits.Where(l => l > 0))
            {
                if (pool.IsSystem(l))
                {
                    pairs.Add((l, l));
                }
                else if (replaces.TryGetValue(l, out var olds))
                {
                    pairs.Add((olds[0], l));
                }
                else
                {
                    independent = true;
                }
            }

            if (!independent || pairs.Count == 0)
            {
                continue;
            }

            // A requirer that is installed and not being upgraded keeps every replacement; otherwise a replacement
            // only counts if the installed package's update would still meet the requirement (solver_choicerulecheck).
            bool requirerStays = lits.Any(l => l < 0 && pool.IsSystem(-l) && !UpgradeRequested[-l]);
            if (!requirerStays)
            {
                pairs.RemoveAll(pair => UpgradeRequested[pair.Installed] && !UpdateKeepsProviding(pair.Installed, m));
            }

            if (pairs.Count == 0)
            {
                continue;
            }

            var related = pairs.Select(pair => pair.Candidate).Distinct().ToList();
            var installedRelated = pairs.Select(pair => pair.Installed).ToHashSet();

            // No rule is needed when every related installed package can only end up as something the requirement accepts.
            if (installedRelated.All(q => m.Contains(q) && UpdatesOf[q].All(m.Contains)))
            {
                continue;
            }

            int[] choice = [.. lits.Where(l => l < 0), .. related];
            Sat.AddClause(choice, new RuleInfo(RuleKind.Requires, info.Package, 0, info.Dependency, -3));
            HasChoiceRules = true;
        }
    }

    /// <summary>The packages a selector matches among those the solver considers (and, always, the installed ones).</summary>
    public List<int> Select(PackageSelector selector)
    {
        var result = new List<int>();
        switch (selector)
        {
            case NameSelector n:
                AddConsidered(result, pool.PackagesNamed(n.PackageName));
                break;
            case ProvidesSelector p:
                if (p.Dependency.IsRich)
                {
                    throw new NotSupportedException($"job '{p.Dependency}': a rich dependency cannot select packages");
                }

                result.AddRange(ctx.WhatProvides(p.Dependency));
                break;
            case OneOfSelector o:
                foreach (var pkg in o.Packages)
                {
                    int id = pool.IdOf(pkg);
                    if (ctx.Considered[id])
                    {
                        result.Add(id);
                    }
                }

                break;
            case SpecSelector s:
                SelectSpec(s.Text, result);
                break;
        }

        return result;
    }

    private void SelectSpec(string spec, List<int> result)
    {
        AddConsidered(result, pool.PackagesNamed(spec));
        if (result.Count > 0)
        {
            return;
        }

        // NEVRA forms: the name ends at some '-' or '.'; try each prefix that is a known name.
        for (int i = 1; i < spec.Length; i++)
        {
            if (spec[i] is not ('-' or '.'))
            {
                continue;
            }

            var named = pool.PackagesNamed(spec[..i]);
            if (named is null)
            {
                continue;
            }

            foreach (var id in named)
            {
                if (ctx.Considered[id] && MatchesNevraForm(pool.Package(id), spec))
                {
                    result.Add(id);
                }
            }
        }

        if (result.Count == 0)
        {
            result.AddRange(ctx.WhatProvides(new Dependency(spec)));
        }
    }

    private static bool MatchesNevraForm(PackageMetadata p, string spec)
    {
        string vr = $"{p.Evr.Version}-{p.Evr.Release}";
        string evr = p.Evr.Epoch is null ? vr : $"{p.Evr.Epoch}:{vr}";
        string[] forms =
        [
            $"{p.Name}-{vr}.{p.Arch}", $"{p.Name}-{evr}.{p.Arch}", $"{p.Name}-{vr}", $"{p.Name}-{evr}",
            $"{p.Name}.{p.Arch}", $"{p.Name}-{p.Evr.Version}",
        ];
        return forms.Contains(spec, StringComparer.Ordinal);
    }

    private void AddConsidered(List<int> result, List<int>? ids)
    {
        if (ids is null)
        {
            return;
        }

        foreach (var id in ids)
        {
            if (ctx.Considered[id])
            {
                result.Add(id);
            }
        }
    }

    private void AddJobs()
    {
        // Rules are made in libsolv's order (it decides open requirements in that order): a breadth-first walk from
        // each installed package in turn, then from each job candidate in turn, then weak dependencies.
        // Locks first: as in libsolv, a lock trumps "best" (the best candidate is the best one not locked out) and
        // the dup rules of a locked package. Favor too: it shapes the strong recommends rules made during the walk.
        for (int j = 0; j < Jobs.Count; j++)
        {
            if (!DisabledJobs.Contains(j) && Jobs[j].Kind == SolverJobKind.Lock)
            {
                foreach (var id in Select(Jobs[j].Selector))
                {
                    Locked[id] = true;
                }
            }

            if (!DisabledJobs.Contains(j) && Jobs[j].Kind is SolverJobKind.Favor or SolverJobKind.Disfavor)
            {
                // libsolv's favormap: the job's index, positive or negative, so that a later job wins.
                Favor ??= new int[pool.Count + 1];
                foreach (var id in Select(Jobs[j].Selector))
                {
                    Favor[id] = Jobs[j].Kind == SolverJobKind.Favor ? j + 1 : -(j + 1);
                }
            }
        }

        for (int id = 1; id <= pool.Count; id++)
        {
            if (pool.IsSystem(id))
            {
                InstalledIds.Add(id);
                Visit(id);
                Drain();
            }
        }

        for (int j = 0; j < Jobs.Count; j++)
        {
            if (DisabledJobs.Contains(j))
            {
                continue;
            }

            var job = Jobs[j];
            if (job.Kind is SolverJobKind.UpgradeAll or SolverJobKind.DistUpgrade)
            {
                foreach (var id in InstalledIds)
                {
                    UpgradeRequested[id] = true;
                }

                continue;
            }

            var matches = Select(job.Selector);
            switch (job.Kind)
            {
                case SolverJobKind.Install:
                    AddInstallJob(j, job, matches);
                    break;
                case SolverJobKind.Erase:
                    var installed = matches.Where(pool.IsSystem).ToList();
                    if (installed.Count == 0)
                    {
                        ImmediateProblems.Add((j, Explainer.NotInstalled(job)));
                    }

                    foreach (var id in installed)
                    {
                        Erased[id] = true;
                        Sat.AddClause([-id], new RuleInfo(RuleKind.Erase, id, 0, null, j));
                    }

                    break;
                case SolverJobKind.Upgrade:
                    var toUpgrade = UpgradeTargets(job, matches);
                    if (toUpgrade.Count == 0)
                    {
                        ImmediateProblems.Add((j, Explainer.NotInstalled(job)));
                    }

                    foreach (var id in toUpgrade)
                    {
                        UpgradeRequested[id] = true;
                    }

                    break;
                case SolverJobKind.Lock:
                    foreach (var id in matches)
                    {
                        Sat.AddClause([pool.IsSystem(id) ? id : -id], new RuleInfo(RuleKind.Lock, id, 0, null, j));
                    }

                    break;
            }
        }
    }

    private List<int> UpgradeTargets(SolverJob job, List<int> matches)
    {
        // dnf upgrades the installed packages of the names the spec matches, whichever version it named.
        var names = matches.Select(id => pool.Package(id).Name).ToHashSet(StringComparer.Ordinal);
        if (job.Selector is SpecSelector or NameSelector)
        {
            return InstalledIds.Where(id => names.Contains(pool.Package(id).Name)).ToList();
        }

        return matches.Where(pool.IsSystem).ToList();
    }

    private void AddInstallJob(int j, SolverJob job, List<int> matches)
    {
        if (matches.Count == 0)
        {
            ImmediateProblems.Add((j, Explainer.NoMatch(job)));
            return;
        }

        var candidates = matches;
        if (ctx.Options.Best && !matches.Any(pool.IsSystem))
        {
            var unlocked = matches.Where(id => !Locked[id]).ToList();
            candidates = unlocked.Count > 0 ? Policy.BestOfEachName(unlocked) : matches;
        }

        candidates.Sort();
        JobClauses.Add(Sat.AddClause(candidates.ToArray(), new RuleInfo(RuleKind.Job, 0, 0, null, j)));
        foreach (var id in candidates)
        {
            Visit(id);
            Drain();
        }
    }

    private void Visit(int id)
    {
        if (!InClosure[id])
        {
            InClosure[id] = true;
            Closure.Add(id);
            queue.Enqueue(id);
        }
    }

    private void Drain()
    {
        while (queue.TryDequeue(out var id))
        {
            AddPackageRules(id);
        }
    }

    private void Close()
    {
        if (ctx.Options.YumObsoletes)
        {
            AddYumObsoletesRules();
        }

        Drain();
        while (AddSupplementing())
        {
            Drain();
        }

        // Upgrade requests with best=True must reach the best version, as dnf's forcebest does.
        if (ctx.Options.Best)
        {
            foreach (var id in InstalledIds)
            {
                if (UpgradeRequested[id] && !Locked[id] && UpdatesOf[id].Length > 0)
                {
                    var all = UpdatesOf[id].Where(q => !Locked[q]).Append(id).ToList();
                    var best = Policy.BestOfEachName(all);
                    if (!best.Contains(id) && best.Count > 0)
                    {
                        best.Sort();
                        Sat.AddClause(best.ToArray(), new RuleInfo(RuleKind.Update, id, 0, null, -2));
                    }
                }
            }
        }
    }

    /// <summary>
    /// libsolv's yumobsoletes rules: when packages of several names obsolete an installed package through the same
    /// obsoletes dependency (a split package), installing one of them installs one of each of the other names too.
    /// </summary>
    private void AddYumObsoletesRules()
    {
        foreach (var p in InstalledIds)
        {
            var victim = pool.Package(p);
            var groups = new Dictionary<Dependency, List<int>>();
            foreach (var q in UpdatesOf[p] ?? [])
            {
                var other = pool.Package(q);
                if (other.Name == victim.Name)
                {
                    continue;
                }

                foreach (var o in other.Obsoletes)
                {
                    if (o.Name == victim.Name && Dependency.RangesOverlap(DependencyFlags.Equal, victim.Evr, o.Flags, o.Evr))
                    {
                        if (!groups.TryGetValue(o, out var members))
                        {
                            groups[o] = members = [];
                        }

                        members.Add(q);
                    }
                }
            }

            foreach (var (dep, members) in groups)
            {
                var byName = members.GroupBy(q => pool.Package(q).Name, StringComparer.Ordinal).ToList();
                if (byName.Count < 2)
                {
                    continue;
                }

                foreach (var q in members)
                {
                    foreach (var name in byName.Where(g => g.Key != pool.Package(q).Name))
                    {
                        Sat.AddClause([-q, .. name.Order()], new RuleInfo(RuleKind.YumObsoletes, q, p, dep, -1));
                    }
                }
            }
        }
    }

    private bool AddSupplementing()
    {
        bool added = false;
        foreach (var s in pool.Supplementing)
        {
            if (InClosure[s] || !ctx.Considered[s])
            {
                continue;
            }

            var pkg = pool.Package(s);
            foreach (var dep in pkg.Supplements.Concat(pkg.Enhances))
            {
                if (ctx.Holds(dep, q => InClosure[q]))
                {
                    Visit(s);
                    Drain();
                    added = true;
                    break;
                }
            }
        }

        return added;
    }

    private void AddPackageRules(int p)
    {
        processed[p] = true;
        var pkg = pool.Package(p);
        bool system = pool.IsSystem(p);

        foreach (var q in pool.PackagesNamed(pkg.Name)!)
        {
            if (q != p && processed[q] && !(system && pool.IsSystem(q)))
            {
                Sat.AddClause([-q, -p], new RuleInfo(RuleKind.SameName, q, p, null, -1));
            }
        }

        foreach (var dep in pkg.Requires)
        {
            if (dep.Name.StartsWith("rpmlib(", StringComparison.Ordinal))
            {
                continue;
            }

            if (dep.IsRich)
            {
                foreach (var clause in ctx.RequireCnf(dep))
                {
                    AddRequires(p, dep, clause);
                }
            }
            else
            {
                AddRequires(p, dep, ctx.WhatProvides(dep));
            }
        }

        foreach (var dep in pkg.Conflicts)
        {
            if (dep.IsRich)
            {
                foreach (var clause in RichCnf.Encode(ctx, ctx.Rich(dep), false, p, dep.Name))
                {
                    var lits = RichCnf.Normalize(clause.Append(-p));
                    if (lits is not null)
                    {
                        Track(p, Sat.AddClause(lits, new RuleInfo(RuleKind.Conflicts, p, 0, dep, -1)));
                    }
                }

                continue;
            }

            foreach (var q in ctx.WhatProvides(dep))
            {
                if (q != p && !(system && pool.IsSystem(q)))
                {
                    Sat.AddClause([-p, -q], new RuleInfo(RuleKind.Conflicts, p, q, dep, -1));
                }
            }
        }

        if (!system)
        {
            foreach (var dep in pkg.Obsoletes)
            {
                foreach (var q in ctx.WhatObsoletes(dep))
                {
                    if (q != p && pool.Package(q).Name != pkg.Name)
                    {
                        Sat.AddClause([-p, -q], new RuleInfo(RuleKind.Obsoletes, p, q, dep, -1));
                    }
                }
            }
        }

        // As libsolv, recommended packages join the walk whether or not weak deps will be installed: it keeps the
        // rule order (and so the choices) the same. libsolv also walks suggests; Keel does not (on the Debian
        // benchmark that made rule building several times slower for the same result).
        foreach (var dep in pkg.Recommends)
        {
            VisitWeak(dep);
            if (ctx.Options.StrongRecommends && !system && !dep.IsRich && droppedRecommends?.Contains((p, dep)) != true)
            {
                // libsolv's strongrecommends: a recommendation becomes a rule, dropped only when it cannot hold.
                // libsolv leaves disfavored packages out of its recommends rules.
                var providers = ctx.WhatProvides(dep).Where(q => Favor is null || Favor[q] >= 0).ToArray();
                if (providers.Length > 0 && !providers.Contains(p))
                {
                    Sat.AddClause([-p, .. providers], new RuleInfo(RuleKind.StrongRecommends, p, 0, dep, -1));
                }
            }
        }

        if (system)
        {
            AddUpdateRule(p, pkg);
        }
    }

    private bool UpdateKeepsProviding(int installed, HashSet<int> accepted)
    {
        var all = UpdatesOf[installed].Prepend(installed).ToList();
        if (all.All(accepted.Contains))
        {
            return true;
        }

        Policy.Filter(all, PolicyMode.Choose);
        return all.Any(accepted.Contains);
    }

    private void VisitWeak(Dependency dep)
    {
        if (!dep.IsRich)
        {
            foreach (var q in ctx.WhatProvides(dep))
            {
                Visit(q);
            }

            return;
        }

        foreach (var clause in ctx.RequireCnf(dep))
        {
            foreach (var l in clause)
            {
                if (l > 0)
                {
                    Visit(l);
                }
            }
        }
    }

    private void AddRequires(int p, Dependency dep, int[] clause)
    {
        var lits = new int[clause.Length + 1];
        lits[0] = -p;
        for (int i = 0; i < clause.Length; i++)
        {
            if (clause[i] == p)
            {
                return;
            }

            lits[i + 1] = clause[i];
        }

        var normalized = dep.IsRich ? RichCnf.Normalize(lits) : lits;
        if (normalized is null || (pool.IsSystem(p) && !HeldByInstalled(normalized)))
        {
            // libsolv's "dontfix": a dependency the installed system already breaks is not enforced on it.
            return;
        }

        Track(p, Sat.AddClause(normalized, new RuleInfo(RuleKind.Requires, p, 0, dep, -1)));
        foreach (var l in clause)
        {
            if (l > 0)
            {
                Visit(l);
            }
        }
    }

    private bool HeldByInstalled(int[] lits)
    {
        for (int i = 1; i < lits.Length; i++)
        {
            int l = lits[i];
            if (l > 0 ? pool.IsSystem(l) : !pool.IsSystem(-l))
            {
                return true;
            }
        }

        return false;
    }

    private void Track(int p, int clause) => (RequiresOf[p] ??= []).Add(clause);

    private void AddUpdateRule(int p, PackageMetadata pkg)
    {
        var updates = new List<int>();
        foreach (var q in pool.PackagesNamed(pkg.Name)!)
        {
            var other = pool.Package(q);
            if (!pool.IsSystem(q) && ctx.Considered[q] && (distUpgrade || (other.Evr.CompareTo(pkg.Evr) >= 0 && ArchChangeAllowed(pkg.Arch, other.Arch))))
            {
                updates.Add(q);
            }
        }

        var obsoleters = pool.ObsoletersOf(pkg.Name);
        if (obsoleters is not null)
        {
            foreach (var q in obsoleters)
            {
                var other = pool.Package(q);
                if (!pool.IsSystem(q) && ctx.Considered[q] && other.Name != pkg.Name
                    && other.Obsoletes.Any(o => o.Name == pkg.Name && Dependency.RangesOverlap(DependencyFlags.Equal, pkg.Evr, o.Flags, o.Evr)))
                {
                    updates.Add(q);
                }
            }
        }

        updates.Sort();
        UpdatesOf[p] = [.. updates];
        if (distUpgrade)
        {
            AddDistUpgradeRules(p, pkg, updates);
        }
        else if (hardUpdates && !Erased[p])
        {
            Sat.AddClause([p, .. updates], new RuleInfo(RuleKind.Update, p, 0, null, -1));
        }

        foreach (var q in updates)
        {
            Visit(q);
        }
    }

    /// <summary>
    /// libsolv's dup rules: an installed package the repositories do not carry identically must go, and be replaced
    /// by a package of its name (any version or arch) or an obsoleter; an orphan (nothing replaces it) is kept only
    /// by the default decision, so it may be removed when it gets in the way, unless orphans are to be kept.
    /// </summary>
    private void AddDistUpgradeRules(int p, PackageMetadata pkg, List<int> updates)
    {
        if (Erased[p] || !hardUpdates || Locked[p])
        {
            return;
        }

        if (updates.Count == 0)
        {
            if (ctx.Options.KeepOrphans)
            {
                Sat.AddClause([p], new RuleInfo(RuleKind.Update, p, 0, null, -3));
            }

            return;
        }

        bool available = updates.Any(q => pool.Package(q) is var o && o.Name == pkg.Name && o.Arch == pkg.Arch && o.Evr.CompareTo(pkg.Evr) == 0);
        if (!available)
        {
            Sat.AddClause([-p], new RuleInfo(RuleKind.DistUpgrade, p, 0, null, -1));
        }

        Sat.AddClause([p, .. updates], new RuleInfo(RuleKind.Update, p, 0, null, -3));
    }

    private static bool ArchChangeAllowed(string from, string to) => from == to || from == "noarch" || to == "noarch";
}
