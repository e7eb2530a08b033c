namespace Keel.Tests;

/// <summary>Locates the repository, the shared oracle data and the fixture repository from a test run.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The public oracle data, read in place beside the repository.</summary>
    public static string Oracles { get; } = Environment.GetEnvironmentVariable("KEEL_ORACLES")
        ?? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "oracles"));

    public static string Oracle(params string[] parts) => Path.Combine([Oracles, .. parts]);

    /// <summary>The fixture repository built by tests/fixture-distro/build.sh (the test script builds it first).</summary>
    public static string FixtureRepo { get; } = Environment.GetEnvironmentVariable("KEEL_FIXTURE_REPO")
        ?? Path.Combine(RepoRoot, ".work", "fixture-repo");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
