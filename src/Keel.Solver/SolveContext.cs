using Keel.Packaging;

namespace Keel.Solver;

/// <summary>
/// What one solve sees of the pool: which packages are considered (arch, excludes, dnf's priority rule) and cached
/// what-provides answers over them. Built per call so the pool itself stays read-only while solving.
/// </summary>
internal sealed class SolveContext
{
    private readonly Dictionary<Dependency, int[]> providesCache = [];
    private readonly Dictionary<string, RichDependency> richCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int[]>> requireCnfCache = new(StringComparer.Ordinal);

    public SolveContext(Pool pool, SolverOptions options, IReadOnlyList<SolverJob>? jobs = null)
    {
        Pool = pool;
        Options = options;
        int n = pool.Count + 1;
        Considered = new bool[n];
        ArchScore = new int[n];
        var excludes = options.Excludes.Select(GlobToPredicate).ToArray();
        string? lastArch = null;
        int lastScore = 0;
        for (int id = 1; id < n; id++)
        {
            var pkg = pool.Package(id);
            if (!ReferenceEquals(pkg.Arch, lastArch))
            {
                lastArch = pkg.Arch;
                lastScore = pool.ArchPolicy.Score(pkg.Arch);
            }

            ArchScore[id] = lastScore;
            Considered[id] = pool.IsSystem(id) || (lastScore != 0 && (excludes.Length == 0 || !excludes.Any(e => e(pkg.Name))));
        }

        if (pool.PriorityExcludesByName || options.StrictRepoPriority)
        {
            ApplyNamePriority();
        }

        if (options.StrictRepoPriority && !pool.PriorityExcludesByName && jobs is not null)
        {
            // libsolv's strict priority rules are policy rules: a job naming exact packages disables them for those.
            foreach (var job in jobs)
            {
                if (job.Kind == SolverJobKind.Install && job.Selector is OneOfSelector one)
                {
                    foreach (var pkg in one.Packages)
                    {
                        int id = pool.IdOf(pkg);
                        Considered[id] = ArchScore[id] != 0;
                    }
                }
            }
        }
    }

    public Pool Pool { get; }

    public SolverOptions Options { get; }

    /// <summary>Per package id: may the solver install it (installed packages always are).</summary>
    public bool[] Considered { get; }

    /// <summary>Per package id: the arch policy's score (1 noarch, 2 best, 0 not installable).</summary>
    public int[] ArchScore { get; }

    /// <summary>Considered packages providing a simple dependency (file paths include owners), ascending ids.</summary>
    public int[] WhatProvides(Dependency dep)
    {
        if (providesCache.TryGetValue(dep, out var cached))
        {
            return cached;
        }

        var result = new List<int>();
        var list = Pool.ProvidesNamed(dep.Name);
        if (list is not null)
        {
            foreach (var pr in list)
            {
                if (Considered[pr.Package] && Dependency.RangesOverlap(pr.Flags, pr.Evr, dep.Flags, dep.Evr))
                {
                    result.Add(pr.Package);
                }
            }
        }

        if (dep.IsFile)
        {
            foreach (var owner in Pool.FileOwners(dep.Name))
            {
                if (Considered[owner])
                {
                    result.Add(owner);
                }
            }
        }

        result.Sort();
        var arr = Dedupe(result);
        providesCache[dep] = arr;
        return arr;
    }

    /// <summary>Considered packages whose own name and EVR match an obsoletes entry (rpm matches obsoletes against names).</summary>
    public IEnumerable<int> WhatObsoletes(Dependency dep)
    {
        var named = Pool.PackagesNamed(dep.Name);
        if (named is null)
        {
            yield break;
        }

        foreach (var id in named)
        {
            if (Considered[id] && Dependency.RangesOverlap(DependencyFlags.Equal, Pool.Package(id).Evr, dep.Flags, dep.Evr))
            {
                yield return id;
            }
        }
    }

    /// <summary>The parsed form of a rich dependency (cached).</summary>
    public RichDependency Rich(Dependency dep)
    {
        if (!richCache.TryGetValue(dep.Name, out var rich))
        {
            rich = RichDependency.Parse(dep.Name);
            richCache[dep.Name] = rich;
        }

        return rich;
    }

    /// <summary>The clauses a rich dependency is true under (no package excluded), cached: the same "(a or b)" recurs often.</summary>
    public List<int[]> RequireCnf(Dependency dep)
    {
        if (!requireCnfCache.TryGetValue(dep.Name, out var cnf))
        {
            cnf = RichCnf.Encode(this, Rich(dep), true, 0, dep.Name);
            requireCnfCache[dep.Name] = cnf;
        }

        return cnf;
    }

    /// <summary>Whether a dependency (simple or rich) holds when exactly the packages with <paramref name="isTrue"/> are installed.</summary>
    public bool Holds(Dependency dep, Func<int, bool> isTrue) =>
        dep.IsRich ? Holds(Rich(dep), isTrue) : WhatProvides(dep).Any(isTrue);

    private bool Holds(RichDependency node, Func<int, bool> isTrue)
    {
        switch (node)
        {
            case RichLeaf leaf:
                return WhatProvides(leaf.Dependency).Any(isTrue);
            case RichNode n:
                var ops = n.Operands;
                return n.Operator switch
                {
                    RichOperator.And => ops.All(o => Holds(o, isTrue)),
                    RichOperator.Or => ops.Any(o => Holds(o, isTrue)),
                    RichOperator.If => Holds(ops[1], isTrue) ? Holds(ops[0], isTrue) : n.Else is null || Holds(n.Else, isTrue),
                    RichOperator.Unless => Holds(ops[1], isTrue) ? n.Else is not null && Holds(n.Else, isTrue) : Holds(ops[0], isTrue),
                    RichOperator.With => Same(n).Any(isTrue),
                    RichOperator.Without => Same(n).Any(isTrue),
                    _ => false,
                };
            default:
                return false;
        }
    }

    /// <summary>The packages satisfying a with/without node: one package that matches all (with) or the first but not the second (without).</summary>
    public int[] Same(RichNode node)
    {
        var first = LeafProviders(node, node.Operands[0]);
        if (node.Operator == RichOperator.With)
        {
            IEnumerable<int> acc = first;
            foreach (var op in node.Operands.Skip(1))
            {
                acc = acc.Intersect(LeafProviders(node, op));
            }

            return [.. acc];
        }

        return [.. first.Except(LeafProviders(node, node.Operands[1]))];
    }

    private int[] LeafProviders(RichNode parent, RichDependency operand) => operand switch
    {
        RichLeaf leaf => WhatProvides(leaf.Dependency),
        RichNode { Operator: RichOperator.With or RichOperator.Without } inner => Same(inner),
        _ => throw new NotSupportedException($"rich dependency '{parent}': '{parent.Operator.ToString().ToLowerInvariant()}' needs simple operands"),
    };

    private void ApplyNamePriority()
    {
        foreach (var group in Pool.NameGroups)
        {
            if (group.Count < 2)
            {
                continue;
            }

            int best = int.MaxValue;
            foreach (var p in group)
            {
                if (Considered[p] && !Pool.IsSystem(p))
                {
                    best = Math.Min(best, Pool.Repo(p).Priority);
                }
            }

            foreach (var p in group)
            {
                if (!Pool.IsSystem(p) && Pool.Repo(p).Priority != best)
                {
                    Considered[p] = false;
                }
            }
        }
    }

    private static int[] Dedupe(List<int> sorted)
    {
        int w = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            if (w == 0 || sorted[w - 1] != sorted[i])
            {
                sorted[w++] = sorted[i];
            }
        }

        return sorted.GetRange(0, w).ToArray();
    }

    private static Func<string, bool> GlobToPredicate(string glob)
    {
        if (!glob.Contains('*', StringComparison.Ordinal) && !glob.Contains('?', StringComparison.Ordinal))
        {
            return name => string.Equals(name, glob, StringComparison.Ordinal);
        }

        var regex = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return regex.IsMatch;
    }
}
