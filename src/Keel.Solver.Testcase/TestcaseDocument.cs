namespace Keel.Solver.Testcase;

/// <summary>A repository block of a testcase: name, libsolv priority and subpriority, and its testtags lines.</summary>
public sealed record TestcaseRepo(string Name, int Priority, int SubPriority, IReadOnlyList<string> TesttagsLines);

/// <summary>One job block of a testcase (up to a "nextjob"): flags, jobs and the expected result.</summary>
public sealed record TestcaseStep(
    IReadOnlyList<string> SolverFlags,
    IReadOnlyList<string> Jobs,
    IReadOnlyList<string> ResultKinds,
    IReadOnlyList<string> Expected,
    IReadOnlyList<string> OtherCommands);

/// <summary>A parsed libsolv testcase (.t) file.</summary>
public sealed record TestcaseDocument(
    string Path,
    IReadOnlyList<TestcaseRepo> Repos,
    string? SystemArch,
    string? SystemDisttype,
    string? SystemRepo,
    IReadOnlyList<string> PoolFlags,
    IReadOnlyList<TestcaseStep> Steps)
{
    /// <summary>Packages taken out of the pool by "disable pkg NEVRA@REPO" lines (libsolv's considered map).</summary>
    public IReadOnlyList<string> Disabled { get; init; } = [];
}
