namespace Keel.Solver;

/// <summary>How the solver may satisfy the jobs.</summary>
public sealed record SolverOptions
{
    /// <summary>Do not install weak dependencies (recommends, supplements); dnf's install_weak_deps=False.</summary>
    public bool NoRecommends { get; init; }

    /// <summary>Installed packages may be removed to satisfy the jobs (dnf's --allowerasing).</summary>
    public bool AllowErasing { get; init; }

    /// <summary>
    /// dnf's best=True: an install or upgrade job must take the best candidate (highest priority, best arch, newest)
    /// and the request fails with an explanation when that is impossible. When false, older candidates are tried.
    /// </summary>
    public bool Best { get; init; } = true;

    /// <summary>Package names (exact, or with '*' and '?' wildcards) never to be installed from a repository.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>Also report what the result recommends and suggests (<see cref="SolverResult.Recommended"/>).</summary>
    public bool ReportRecommendations { get; init; }

    /// <summary>
    /// libsolv's strictrepopriority on a pool without dnf's name rule (<see cref="Pool.PriorityExcludesByName"/>):
    /// a name's packages from worse-priority repositories are not considered unless a job names them exactly.
    /// </summary>
    public bool StrictRepoPriority { get; init; }

    /// <summary>In a distribution upgrade, never remove installed packages that no repository has (libsolv's keeporphans).</summary>
    public bool KeepOrphans { get; init; }

    /// <summary>Decide about installed packages before the jobs, so jobs are met with as few changes as possible (libsolv's focusinstalled).</summary>
    public bool FocusInstalled { get; init; }

    /// <summary>
    /// yum's obsoletes handling (libsolv's yumobsoletes): packages of several names that obsolete an installed package
    /// through the same dependency are installed together.
    /// </summary>
    public bool YumObsoletes { get; init; }

    /// <summary>
    /// Recommendations are rules the solver may change other choices for, dropped only when they cannot hold
    /// (libsolv's strongrecommends); otherwise they are filled only where nothing stands in the way.
    /// </summary>
    public bool StrongRecommends { get; init; }

    /// <summary>Also report the choices among several candidates (<see cref="SolverResult.Alternatives"/>).</summary>
    public bool ReportAlternatives { get; init; }
}
