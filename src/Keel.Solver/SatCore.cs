namespace Keel.Solver;

/// <summary>
/// The CDCL engine: clauses over package literals (+id install, -id do not install) in flat int arrays, two watched
/// literals per clause, unit propagation, first-UIP conflict analysis with clause learning and non-chronological
/// backjumping. Which literal to decide is left to the caller (<see cref="SolveRun"/>), which follows libsolv's
/// policy; learned clauses remember the clauses they were derived from so that an unsatisfiable request can be
/// traced back to the original rules (the unsat core).
/// </summary>
internal sealed class SatCore
{
    private readonly sbyte[] value;
    private readonly int[] level;
    private readonly int[] reason;
    private readonly int[] trail;
    private readonly bool[] seen;
    private readonly List<int> levelStart = [];
    private readonly List<int> units = [];
    private readonly List<RuleInfo> infos = [];
    private readonly Dictionary<int, int[]> learnedFrom = [];
    private int[][] watches;
    private int[] watchCount;
    private int[] lits = new int[1024];
    private int litCount;
    private int[] clauseStart = new int[256];
    private int[] clauseLength = new int[256];
    private int propagateHead;

    public SatCore(int variables)
    {
        value = new sbyte[variables];
        level = new int[variables];
        reason = new int[variables];
        trail = new int[variables];
        seen = new bool[variables];
        watches = new int[variables * 2][];
        watchCount = new int[variables * 2];
        Array.Fill(reason, -1);
    }

    /// <summary>The trail length after each backjump, in order, so that scanners over the trail can rewind.</summary>
    public List<int> BackjumpMarks { get; } = [];

    public int ClauseCount { get; private set; }

    public int TrailCount { get; private set; }

    public int CurrentLevel => levelStart.Count;

    public int LearnedCount => learnedFrom.Count;

    public int Conflicts { get; private set; }

    /// <summary>1 true, -1 false, 0 undecided.</summary>
    public int Value(int variable) => value[variable];

    public int LiteralValue(int literal) => literal > 0 ? value[literal] : -value[-literal];

    public int LevelOf(int variable) => level[variable];

    public int ReasonOf(int variable) => reason[variable];

    public int TrailAt(int index) => trail[index];

    public RuleInfo Info(int clause) => infos[clause];

    public ReadOnlySpan<int> Literals(int clause) => lits.AsSpan(clauseStart[clause], clauseLength[clause]);

    public bool IsLearned(int clause) => infos[clause].Kind == RuleKind.Learned;

    /// <summary>Adds a clause; clauses of one literal are asserted by <see cref="AssertUnits"/>.</summary>
    public int AddClause(ReadOnlySpan<int> literals, RuleInfo info)
    {
        int id = ClauseCount++;
        if (id == clauseStart.Length)
        {
            Array.Resize(ref clauseStart, id * 2);
            Array.Resize(ref clauseLength, id * 2);
        }

        if (litCount + literals.Length > lits.Length)
        {
            Array.Resize(ref lits, Math.Max(lits.Length * 2, litCount + literals.Length));
        }

        clauseStart[id] = litCount;
        clauseLength[id] = literals.Length;
        literals.CopyTo(lits.AsSpan(litCount));
        litCount += literals.Length;
        infos.Add(info);
        if (literals.Length >= 2)
        {
            Watch(literals[0], id);
            Watch(literals[1], id);
        }
        else
        {
            units.Add(id);
        }

        return id;
    }

    /// <summary>Asserts every unit clause at level 0; returns a conflicting clause or -1.</summary>
    public int AssertUnits()
    {
        foreach (var c in units)
        {
            var lit = lits[clauseStart[c]];
            int v = LiteralValue(lit);
            if (v == -1)
            {
                return c;
            }

            if (v == 0)
            {
                Assign(lit, c);
            }
        }

        return Propagate();
    }

    /// <summary>Opens a new decision level and sets <paramref name="literal"/>.</summary>
    public void Decide(int literal)
    {
        levelStart.Add(TrailCount);
        Assign(literal, -1);
    }

    /// <summary>Unit propagation over the watched literals; returns the conflicting clause or -1.</summary>
    public int Propagate()
    {
        while (propagateHead < TrailCount)
        {
            int falseLit = -trail[propagateHead++];
            int wi = Index(falseLit);
            var list = watches[wi];
            int count = watchCount[wi];
            int j = 0;
            for (int i = 0; i < count; i++)
            {
                int c = list[i];
                int s = clauseStart[c];
                if (lits[s] == falseLit)
                {
                    lits[s] = lits[s + 1];
                    lits[s + 1] = falseLit;
                }

                int first = lits[s];
                if (LiteralValue(first) == 1)
                {
                    list[j++] = c;
                    continue;
                }

                int end = s + clauseLength[c];
                bool moved = false;
                for (int k = s + 2; k < end; k++)
                {
                    int l = lits[k];
                    if (LiteralValue(l) != -1)
                    {
                        lits[s + 1] = l;
                        lits[k] = falseLit;
                        Watch(l, c);
                        moved = true;
                        break;
                    }
                }

                if (moved)
                {
                    continue;
                }

                list[j++] = c;
                if (LiteralValue(first) == -1)
                {
                    for (i++; i < count; i++)
                    {
                        list[j++] = list[i];
                    }

                    watchCount[wi] = j;
                    Conflicts++;
                    return c;
                }

                Assign(first, c);
            }

            watchCount[wi] = j;
        }

        return -1;
    }

    /// <summary>
    /// Learns from a conflict above level 0: derives the first-UIP clause, backjumps and asserts it. Returns the
    /// level jumped to.
    /// </summary>
    public int Learn(int conflict)
    {
        var learnt = new List<int> { 0 };
        var from = new List<int>();
        int pathCount = 0, p = 0, idx = TrailCount - 1, c = conflict;
        int current = CurrentLevel;
        do
        {
            from.Add(c);
            foreach (var q in Literals(c))
            {
                if (q == p)
                {
                    continue;
                }

                int v = Math.Abs(q);
                if (!seen[v] && level[v] > 0)
                {
                    seen[v] = true;
                    if (level[v] >= current)
                    {
                        pathCount++;
                    }
                    else
                    {
                        learnt.Add(q);
                    }
                }
            }

            while (!seen[Math.Abs(trail[idx])])
            {
                idx--;
            }

            p = trail[idx--];
            c = reason[Math.Abs(p)];
            seen[Math.Abs(p)] = false;
            pathCount--;
        }
        while (pathCount > 0);

        learnt[0] = -p;
        int back = 0, at = 1;
        for (int i = 1; i < learnt.Count; i++)
        {
            seen[Math.Abs(learnt[i])] = false;
            if (level[Math.Abs(learnt[i])] > back)
            {
                back = level[Math.Abs(learnt[i])];
                at = i;
            }
        }

        if (learnt.Count > 1)
        {
            (learnt[1], learnt[at]) = (learnt[at], learnt[1]);
        }

        Backjump(back);
        int id = AddClause(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(learnt), new RuleInfo(RuleKind.Learned, 0, 0, null, -1));
        learnedFrom[id] = [.. from];
        Assign(learnt[0], id);
        return back;
    }

    /// <summary>Undoes every assignment above <paramref name="target"/>.</summary>
    public void Backjump(int target)
    {
        if (target >= CurrentLevel)
        {
            return;
        }

        int start = levelStart[target];
        for (int i = TrailCount - 1; i >= start; i--)
        {
            int v = Math.Abs(trail[i]);
            value[v] = 0;
            reason[v] = -1;
        }

        TrailCount = start;
        BackjumpMarks.Add(start);
        propagateHead = Math.Min(propagateHead, start);
        levelStart.RemoveRange(target, levelStart.Count - target);
    }

    /// <summary>The original (non-learned) clauses a level-0 conflict follows from: the unsat core, in clause order.</summary>
    public List<int> Core(int conflict)
    {
        var done = new HashSet<int>();
        var core = new SortedSet<int>();
        var stack = new Stack<int>();
        stack.Push(conflict);
        while (stack.Count > 0)
        {
            int c = stack.Pop();
            if (!done.Add(c))
            {
                continue;
            }

            if (learnedFrom.TryGetValue(c, out var parents))
            {
                foreach (var parent in parents)
                {
                    stack.Push(parent);
                }
            }
            else
            {
                core.Add(c);
            }

            foreach (var q in Literals(c))
            {
                int v = Math.Abs(q);
                if (value[v] != 0 && level[v] == 0 && reason[v] >= 0 && reason[v] != c)
                {
                    stack.Push(reason[v]);
                }
            }
        }

        return [.. core];
    }

    private void Assign(int literal, int why)
    {
        int v = Math.Abs(literal);
        value[v] = (sbyte)(literal > 0 ? 1 : -1);
        level[v] = CurrentLevel;
        reason[v] = why;
        trail[TrailCount++] = literal;
    }

    private void Watch(int literal, int clause)
    {
        int i = Index(literal);
        var list = watches[i];
        if (list is null)
        {
            watches[i] = list = new int[4];
        }
        else if (watchCount[i] == list.Length)
        {
            Array.Resize(ref watches[i], list.Length * 2);
            list = watches[i];
        }

        list[watchCount[i]++] = clause;
    }

    private static int Index(int literal) => literal > 0 ? literal * 2 : (-literal * 2) + 1;
}

/// <summary>What a clause stands for, so that a problem can be told in words.</summary>
internal enum RuleKind : byte
{
    Job,
    Requires,
    Conflicts,
    Obsoletes,
    SameName,
    Update,
    Erase,
    Lock,
    DistUpgrade,
    YumObsoletes,
    StrongRecommends,
    Learned,
}

/// <summary>The origin of one clause: its kind, the package it belongs to, the other package involved, the dependency and the job index.</summary>
internal readonly record struct RuleInfo(RuleKind Kind, int Package, int Other, Keel.Packaging.Dependency? Dependency, int Job);
