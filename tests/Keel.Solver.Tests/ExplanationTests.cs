namespace Keel.Solver.Tests;

public sealed class ExplanationTests
{
    [Fact]
    public void Missing_version_names_the_request_the_requirement_and_what_is_available()
    {
        var pool = Pkg.Pool(Pkg.Make("podman-5.0-1.x86_64", requires: ["crun >= 1.14"]), Pkg.Make("crun-1.8-1.x86_64"));
        var problem = Assert.Single(Pkg.Install(pool, "podman").Problems);
        Assert.StartsWith("cannot install podman-5.0-1.x86_64:", problem.Message, StringComparison.Ordinal);
        Assert.Contains("crun >= 1.14", problem.Message, StringComparison.Ordinal);
        Assert.Contains("only crun-1.8-1.x86_64 is available", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflict_chain_runs_from_the_request_through_the_requirement_to_the_conflict()
    {
        var pool = Pkg.Pool(
            Pkg.Make("app-1-1.x86_64", requires: ["b", "c"]),
            Pkg.Make("b-2-1.x86_64"),
            Pkg.Make("c-1-1.x86_64", conflicts: ["b"]));
        var problem = Assert.Single(Pkg.Install(pool, "app").Problems);
        Assert.Contains("app-1-1.x86_64", problem.Message, StringComparison.Ordinal);
        Assert.Contains("package c-1-1.x86_64 conflicts with b provided by b-2-1.x86_64", problem.Chain);
        int requires = problem.Chain.ToList().FindIndex(s => s.Contains("requires", StringComparison.Ordinal));
        int conflict = problem.Chain.ToList().FindIndex(s => s.Contains("conflicts", StringComparison.Ordinal));
        Assert.InRange(requires, 0, conflict);
    }

    [Fact]
    public void Independent_problems_are_all_reported_and_unknown_names_say_so()
    {
        var pool = Pkg.Pool(Pkg.Make("a-1-1.x86_64", requires: ["gone"]), Pkg.Make("ok-1-1.x86_64"));
        var result = Solver.Solve(pool, [SolverJob.Install("a"), SolverJob.Install("nosuch"), SolverJob.Install("ok")]);
        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.Message.Contains("no package matches 'nosuch'", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("nothing provides gone needed by a-1-1.x86_64", StringComparison.Ordinal));
        Assert.Equal(["ok-1-1.x86_64"], result.Remainder!.Install.Select(p => p.Nevra));
    }
}
