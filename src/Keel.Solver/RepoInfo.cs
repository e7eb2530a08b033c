namespace Keel.Solver;

/// <summary>
/// A repository as the solver weighs it, with dnf's meaning: a lower <paramref name="Priority"/> wins (dnf's default is 99),
/// and between otherwise equal packages the repository with the lower <paramref name="Cost"/> wins (dnf's default is 1000).
/// </summary>
public sealed record RepoInfo(string Id, int Priority = 99, int Cost = 1000)
{
    /// <summary>The id Keel gives the installed system (rpmdb), as libsolv's "@System".</summary>
    public const string SystemId = "@System";
}
