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
}
