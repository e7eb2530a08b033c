using Keel.Packaging;

namespace Keel.Solver;

/// <summary>An installed package replaced by a package of the same name (an upgrade, a downgrade or a reinstall).</summary>
public sealed record PackageReplacement(PackageMetadata Old, PackageMetadata New)
{
    public override string ToString() => $"{Old.Nevra} -> {New.Nevra}";
}

/// <summary>An installed package that goes away; <see cref="ObsoletedBy"/> names the new package that obsoletes it, if any.</summary>
public sealed record PackageRemoval(PackageMetadata Package, PackageMetadata? ObsoletedBy)
{
    public override string ToString() => ObsoletedBy is null ? Package.Nevra : $"{Package.Nevra} (obsoleted by {ObsoletedBy.Nevra})";
}

/// <summary>What the solver decided, each list sorted by NEVRA (name ordinally, then EVR, then arch).</summary>
public sealed record Transaction(
    IReadOnlyList<PackageMetadata> Install,
    IReadOnlyList<PackageReplacement> Upgrade,
    IReadOnlyList<PackageReplacement> Downgrade,
    IReadOnlyList<PackageReplacement> Reinstall,
    IReadOnlyList<PackageRemoval> Remove)
{
    /// <summary>Every package that is new on the machine: installs, upgrade and downgrade targets and reinstalls.</summary>
    public IEnumerable<PackageMetadata> Incoming =>
        Install.Concat(Upgrade.Select(u => u.New)).Concat(Downgrade.Select(d => d.New)).Concat(Reinstall.Select(r => r.New));

    /// <summary>True when nothing changes.</summary>
    public bool IsEmpty => Install.Count == 0 && Upgrade.Count == 0 && Downgrade.Count == 0 && Reinstall.Count == 0 && Remove.Count == 0;

    /// <summary>Orders packages as rpm and dnf list them: name (ordinal), then EVR, then arch.</summary>
    public static int CompareNevra(PackageMetadata a, PackageMetadata b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int c = string.CompareOrdinal(a.Name, b.Name);
        if (c == 0)
        {
            c = a.Evr.CompareTo(b.Evr);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Arch, b.Arch);
    }
}

/// <summary>Why a request cannot be satisfied: a one-paragraph explanation and the chain of facts behind it.</summary>
public sealed record SolverProblem(string Message, IReadOnlyList<string> Chain)
{
    public override string ToString() => Message;
}

/// <summary>The outcome of <see cref="Solver.Solve"/>: a transaction, or the problems that prevent one.</summary>
public sealed record SolverResult(Transaction? Transaction, IReadOnlyList<SolverProblem> Problems)
{
    /// <summary>
    /// When there are problems: the transaction for the jobs that remain once the failing ones are set aside
    /// (what libsolv reports next to its problems, and dnf's --skip-broken would do); null when even that fails.
    /// </summary>
    public Transaction? Remainder { get; init; }

    /// <summary>
    /// With <see cref="SolverOptions.ReportRecommendations"/>: packages the result's packages recommend (or that
    /// supplement them) and that are not installed, best version of each name (libsolv's solver_get_recommendations).
    /// </summary>
    public IReadOnlyList<PackageMetadata> Recommended { get; init; } = [];

    /// <summary>As <see cref="Recommended"/> for suggests and enhances.</summary>
    public IReadOnlyList<PackageMetadata> Suggested { get; init; } = [];

    /// <summary>With <see cref="SolverOptions.ReportAlternatives"/>: the choices among several candidates behind the result.</summary>
    public IReadOnlyList<SolverAlternative> Alternatives { get; init; } = [];

    /// <summary>True when a transaction was found.</summary>
    public bool Succeeded => Transaction is not null;
}

/// <summary>
/// One choice the solver made among several candidates (libsolv's alternatives): why (<see cref="Kind"/> "requires"
/// or "recommends" with <see cref="From"/> and <see cref="Dependency"/>, "job" with <see cref="Job"/>, "update" of
/// <see cref="From"/>, or "rule"), the candidates in policy order with whether each ended up installed, and the pick.
/// </summary>
public sealed record SolverAlternative(
    string Kind,
    PackageMetadata? From,
    Dependency? Dependency,
    SolverJob? Job,
    IReadOnlyList<SolverLiteral> Candidates,
    PackageMetadata Chosen);
