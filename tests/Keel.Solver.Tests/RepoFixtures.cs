using Keel.Packaging;
using Keel.Repository;
using Keel.Repository.Cache;
using Keel.Repository.Definitions;
using Keel.Tests;

namespace Keel.Solver.Tests;

/// <summary>Loads real rpm-md repositories (read in place) with Keel.Repository and builds solver pools from them.</summary>
internal static class RepoFixtures
{
    public static string DebianBench { get; } = Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "bench", "debian-bookworm-main"));

    public static string CentosBaseOs { get; } = TestPaths.Oracle("osbuild-images", "test", "data", "testrepo");

    public static string CentosAppStream { get; } = TestPaths.Oracle("osbuild", "test", "data", "testrepos", "appstream");

    private static readonly KeelCache Cache = new(Path.Combine(Path.GetTempPath(), "keel-solver-tests-cache"));

    /// <summary>Loads a repository directory (primary, and filelists when asked) without touching the user's cache.</summary>
    public static LoadedRepository Load(string dir, string id, bool filelists = false)
    {
        using var loader = new RepositoryLoader();
        var def = new RepositoryDefinition { Id = id, BaseUrls = [dir] };
        var options = new RepositoryLoadOptions { Cache = Cache, IncludeFilelists = filelists, IncludeUpdateInfo = false };
        return loader.LoadAsync(def, options).GetAwaiter().GetResult();
    }

    /// <summary>A pool over <paramref name="repos"/> for x86_64, with the repositories' priority and cost.</summary>
    public static Pool PoolOf(params LoadedRepository[] repos)
    {
        var pool = new Pool(ArchPolicy.For("x86_64"));
        foreach (var r in repos)
        {
            pool.AddRepository(new RepoInfo(r.Id, r.Priority, r.Cost), r.Packages);
        }

        return pool;
    }

    /// <summary>NEVRAs of a transaction's incoming packages, sorted.</summary>
    public static List<string> Nevras(IEnumerable<PackageMetadata> packages) => packages.Select(p => p.Nevra).Order(StringComparer.Ordinal).ToList();
}
