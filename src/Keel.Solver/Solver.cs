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
        var ctx = new SolveContext(pool, options ?? new SolverOptions());
        var disabled = new HashSet<int>();
        var problems = new List<SolverProblem>();

        // As libsolv does, a job that takes part in a problem is set aside and the rest solved again, so that
        // every independent problem is reported at once.
        for (int round = 0; round <= jobs.Count; round++)
        {
            var rules = RuleSet.Build(ctx, jobs, disabled, choiceRules: true);
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
                rules = RuleSet.Build(ctx, jobs, disabled, choiceRules: false);
                run = new SolveRun(rules);
                solved = run.Run();
            }

            if (solved)
            {
                var transaction = TransactionBuilder.Build(rules);
                return problems.Count == 0
                    ? new SolverResult(transaction, [])
                    : new SolverResult(null, problems) { Remainder = transaction };
            }

            var core = rules.Sat.Core(run.UnsatConflict);
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
}
