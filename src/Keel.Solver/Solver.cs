namespace Keel.Solver;

/// <summary>
/// Resolves jobs against a <see cref="Pool"/>: a complete CDCL search driven by libsolv's decision order and
/// candidate policy (see docs/solver.md). Returns a transaction, or every problem found with its explanation.
/// </summary>
public static class Solver
{
    /// <summary>Solves <paramref name="jobs"/>; a pool may be solved against many times.</summary>
    /// <exception cref="NotSupportedException">A rich dependency Keel cannot encode (see the message).</exception>
    public static SolverResult Solve(Pool pool, IReadOnlyList<SolverJob> jobs, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(jobs);
        var ctx = new SolveContext(pool, options ?? new SolverOptions(), jobs);
        var disabled = new HashSet<int>();
        var dropped = new HashSet<(int Package, Keel.Packaging.Dependency Dependency)>();
        var problems = new List<SolverProblem>();

        // As libsolv does, a job that takes part in a problem is set aside and the rest solved again, so that
        // every independent problem is reported at once.
        for (int round = 0; round <= jobs.Count; round++)
        {
            var rules = RuleSet.Build(ctx, jobs, disabled, choiceRules: true, dropped);
            if (rules.ImmediateProblems.Count > 0)
            {
                foreach (var (job, problem) in rules.ImmediateProblems)
                {
                    problems.Add(problem);
                    disabled.Add(job);
                }

                continue;
            }

            var run = new SolveRun(rules);
            bool solved = run.Run();
            if (!solved && rules.HasChoiceRules)
            {
                rules = RuleSet.Build(ctx, jobs, disabled, choiceRules: false, dropped);
                run = new SolveRun(rules);
                solved = run.Run();
            }

            if (solved)
            {
                var transaction = TransactionBuilder.Build(rules);
                var (recommended, suggested) = ctx.Options.ReportRecommendations ? Recommendations.Compute(rules) : ([], []);
                var alternatives = ctx.Options.ReportAlternatives ? Alternatives(rules, run) : [];
                return (problems.Count == 0
                    ? new SolverResult(transaction, [])
                    : new SolverResult(null, problems) { Remainder = transaction }) with
                { Recommended = recommended, Suggested = suggested, Alternatives = alternatives };
            }

            var core = rules.Sat.Core(run.UnsatConflict);
            var weak = core.Select(c => rules.Sat.Info(c)).Where(i => i.Kind == RuleKind.StrongRecommends).ToList();
            if (weak.Count > 0)
            {
                // Strong recommendations are weak rules: one that takes part in a problem is dropped, not reported.
                dropped.UnionWith(weak.Select(i => (i.Package, i.Dependency!)));
                round--;
                continue;
            }

            problems.Add(Explainer.Explain(rules, core));
            var culprits = core.Select(c => rules.Sat.Info(c))
                .Where(i => i.Kind is RuleKind.Job or RuleKind.Erase or RuleKind.Lock && i.Job >= 0)
                .Select(i => i.Job)
                .ToList();
            if (culprits.Count == 0)
            {
                break;
            }

            disabled.UnionWith(culprits);
        }

        return new SolverResult(null, problems);
    }

    private static List<SolverAlternative> Alternatives(RuleSet rules, SolveRun run)
    {
        var pool = rules.Context.Pool;
        var list = new List<SolverAlternative>();
        foreach (var (origin, recommended, candidates, chosen) in run.Alternatives)
        {
            var (kind, from, dep, job) = recommended is not null ? ("recommends", pool.Package(origin.Package), recommended, null)
                : origin.Kind switch
                {
                    RuleKind.Requires => ("requires", pool.Package(origin.Package), origin.Dependency, (SolverJob?)null),
                    RuleKind.Job => ("job", null, null, rules.Jobs[origin.Job]),
                    RuleKind.Update => ("update", pool.Package(origin.Package), null, null),
                    _ => ("rule", (Keel.Packaging.PackageMetadata?)null, (Keel.Packaging.Dependency?)null, (SolverJob?)null),
                };
            var literals = candidates.Select(q => new SolverLiteral(pool.Package(q), rules.Sat.Value(q) > 0)).ToList();
            list.Add(new SolverAlternative(kind, from, dep, job, literals, pool.Package(chosen)));
        }

        return list;
    }

    /// <summary>
    /// The rules the solver would start from for <paramref name="jobs"/>, deduplicated, in libsolv's classes ("job",
    /// "pkg", "update", "distupgrade"); for comparing with libsolv's testcase "result rules" and for debugging.
    /// </summary>
    public static IReadOnlyList<SolverRule> DescribeRules(Pool pool, IReadOnlyList<SolverJob> jobs, SolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(jobs);
        var ctx = new SolveContext(pool, options ?? new SolverOptions(), jobs);
        var rules = RuleSet.Build(ctx, jobs, new HashSet<int>(), choiceRules: true);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<SolverRule>();
        for (int c = 0; c < rules.Sat.ClauseCount; c++)
        {
            var kind = rules.Sat.Info(c).Kind switch
            {
                RuleKind.Job or RuleKind.Erase or RuleKind.Lock => "job",
                RuleKind.Update => "update",
                RuleKind.DistUpgrade => "distupgrade",
                RuleKind.YumObsoletes => "yumobs",
                RuleKind.StrongRecommends => "recommends",
                RuleKind.Learned => "learnt",
                _ => "pkg",
            };
            var literals = rules.Sat.Literals(c).ToArray().Distinct().Order().ToArray();
            if (seen.Add(kind + ":" + string.Join(',', literals)))
            {
                result.Add(new SolverRule(kind, literals.Select(l => new SolverLiteral(pool.Package(Math.Abs(l)), l > 0)).ToList()));
            }
        }

        return result;
    }
}

/// <summary>One rule (a clause): at least one of its literals must hold.</summary>
public sealed record SolverRule(string Kind, IReadOnlyList<SolverLiteral> Literals);

/// <summary>A package installed (<see cref="Positive"/>) or not installed.</summary>
public sealed record SolverLiteral(Keel.Packaging.PackageMetadata Package, bool Positive);
