using Keel.Packaging;

namespace Keel.Solver;

/// <summary>
/// Turns a rich dependency into clauses over package literals (+id installed, -id not installed), as libsolv's
/// cplxdeps.c does. An empty list means "always true"; a list holding an empty clause means "never true".
/// "A unless B" is read as libsolv and rpm implement it: A and not B; with "else C": (A and not B) or (C and B).
/// </summary>
internal static class RichCnf
{
    private const int MaxClauses = 4096;

    /// <summary>Clauses that hold exactly when <paramref name="node"/> is true (<paramref name="positive"/>) or false.</summary>
    /// <param name="exclude">A package id never counted as a provider (a package does not conflict with itself), or 0.</param>
    public static List<int[]> Encode(SolveContext ctx, RichDependency node, bool positive, int exclude, string nameForErrors)
    {
        var cnf = Build(ctx, node, positive, exclude, nameForErrors);
        return cnf;
    }

    private static List<int[]> Build(SolveContext ctx, RichDependency node, bool pos, int exclude, string name)
    {
        switch (node)
        {
            case RichLeaf leaf:
                return Leaf(ctx.WhatProvides(leaf.Dependency), pos, exclude);
            case RichNode n:
                var ops = n.Operands;
                List<int[]> B(RichDependency d, bool p) => Build(ctx, d, p, exclude, name);
                switch (n.Operator)
                {
                    case RichOperator.And:
                        return pos ? AndAll(ops.Select(o => B(o, true))) : OrAll(ops.Select(o => B(o, false)), name);
                    case RichOperator.Or:
                        return pos ? OrAll(ops.Select(o => B(o, true)), name) : AndAll(ops.Select(o => B(o, false)));
                    case RichOperator.If:
                        if (n.Else is null)
                        {
                            return pos ? Or(B(ops[0], true), B(ops[1], false), name) : And(B(ops[0], false), B(ops[1], true));
                        }

                        return pos
                            ? And(Or(B(ops[0], true), B(ops[1], false), name), Or(B(n.Else, true), B(ops[1], true), name))
                            : Or(And(B(ops[0], false), B(ops[1], true)), And(B(n.Else, false), B(ops[1], false)), name);
                    case RichOperator.Unless:
                        if (n.Else is null)
                        {
                            return pos ? And(B(ops[0], true), B(ops[1], false)) : Or(B(ops[0], false), B(ops[1], true), name);
                        }

                        return pos
                            ? Or(And(B(ops[0], true), B(ops[1], false)), And(B(n.Else, true), B(ops[1], true)), name)
                            : And(Or(B(ops[0], false), B(ops[1], true), name), Or(B(n.Else, false), B(ops[1], false), name));
                    case RichOperator.With:
                    case RichOperator.Without:
                        return Leaf(ctx.Same(n), pos, exclude);
                }

                break;
        }

        throw new NotSupportedException($"rich dependency '{name}': unknown expression");
    }

    private static List<int[]> Leaf(int[] providers, bool pos, int exclude)
    {
        var list = exclude == 0 ? providers : providers.Where(p => p != exclude).ToArray();
        if (pos)
        {
            return [list];
        }

        var result = new List<int[]>(list.Length);
        foreach (var p in list)
        {
            result.Add([-p]);
        }

        return result;
    }

    private static List<int[]> And(List<int[]> a, List<int[]> b)
    {
        var r = new List<int[]>(a.Count + b.Count);
        r.AddRange(a);
        r.AddRange(b);
        return r;
    }

    private static List<int[]> AndAll(IEnumerable<List<int[]>> parts)
    {
        var r = new List<int[]>();
        foreach (var p in parts)
        {
            r.AddRange(p);
        }

        return r;
    }

    private static List<int[]> OrAll(IEnumerable<List<int[]>> parts, string name)
    {
        List<int[]>? acc = null;
        foreach (var p in parts)
        {
            acc = acc is null ? p : Or(acc, p, name);
        }

        return acc ?? [[]];
    }

    private static List<int[]> Or(List<int[]> a, List<int[]> b, string name)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return [];
        }

        if ((long)a.Count * b.Count > MaxClauses)
        {
            throw new NotSupportedException($"rich dependency '{name}': expands to more than {MaxClauses} clauses");
        }

        var r = new List<int[]>(a.Count * b.Count);
        foreach (var ca in a)
        {
            foreach (var cb in b)
            {
                var merged = Normalize(ca.Concat(cb));
                if (merged is not null)
                {
                    r.Add(merged);
                }
            }
        }

        return r;
    }

    /// <summary>Sorts and dedupes a clause's literals; null when it is a tautology (holds both l and -l).</summary>
    public static int[]? Normalize(IEnumerable<int> literals)
    {
        var set = new SortedSet<int>(literals);
        foreach (var l in set)
        {
            if (l > 0 && set.Contains(-l))
            {
                return null;
            }
        }

        return [.. set];
    }
}
