using Keel.Packaging;

namespace Keel.Solver.Tests;

/// <summary>Small builders for hand-made packages in unit tests ("name-ver-rel.arch" plus dependency strings).</summary>
internal static class Pkg
{
    public static PackageMetadata Make(
        string nevra,
        string[]? requires = null,
        string[]? provides = null,
        string[]? conflicts = null,
        string[]? obsoletes = null,
        string[]? recommends = null,
        string[]? supplements = null,
        string[]? files = null,
        string[]? suggests = null)
    {
        int dot = nevra.LastIndexOf('.');
        var nevr = nevra[..dot];
        int relDash = nevr.LastIndexOf('-');
        int verDash = nevr.LastIndexOf('-', relDash - 1);
        return new PackageMetadata
        {
            Name = nevr[..verDash],
            Evr = Evr.Parse(nevr[(verDash + 1)..]),
            Arch = nevra[(dot + 1)..],
            Requires = Deps(requires),
            Provides = Deps(provides),
            Conflicts = Deps(conflicts),
            Obsoletes = Deps(obsoletes),
            Recommends = Deps(recommends),
            Supplements = Deps(supplements),
            Suggests = Deps(suggests),
            Files = files ?? [],
        };
    }

    private static Dependency[] Deps(string[]? texts) => texts?.Select(Dependency.Parse).ToArray() ?? [];

    public static Pool Pool(params PackageMetadata[] packages)
    {
        var pool = new Pool(ArchPolicy.For("x86_64"));
        pool.AddRepository(new RepoInfo("repo"), packages);
        return pool;
    }

    public static List<string> Installs(SolverResult result)
    {
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return result.Transaction!.Install.Select(p => p.Nevra).ToList();
    }

    public static SolverResult Install(Pool pool, params string[] specs) => Install(pool, new SolverOptions(), specs);

    public static SolverResult Install(Pool pool, SolverOptions options, params string[] specs) =>
        Solver.Solve(pool, specs.Select(SolverJob.Install).ToList(), options);
}
