using Keel.Repository;
using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.Solver.Tests;

/// <summary>Keel against the real dnf on CentOS Stream 9 BaseOS + AppStream metadata: the install sets must be equal.</summary>
public sealed class CentosSideBySideTests(ITestOutputHelper output, CentosSideBySideTests.Repos repos) : IClassFixture<CentosSideBySideTests.Repos>
{
    /// <summary>The two repositories, loaded once (with file lists, for file dependencies).</summary>
    public sealed class Repos
    {
        public LoadedRepository BaseOs { get; } = RepoFixtures.Load(RepoFixtures.CentosBaseOs, "baseos", filelists: true);

        // AppStream's filelists.xml.gz in the oracle copy fails its open-checksum, so only primary is read there.
        public LoadedRepository AppStream { get; } = RepoFixtures.Load(RepoFixtures.CentosAppStream, "appstream");
    }

    public static TheoryData<string> Requests => new()
    {
        "bash",
        "dnf",
        "systemd openssh-server",
        "kernel NetworkManager",
        "podman",
        "gcc make gdb git",
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Install_set_equals_dnf(string request)
    {
        Assert.True(DnfOracle.Available, "dnf is not installed (Debian package: dnf)");
        var specs = request.Split(' ');
        var pool = RepoFixtures.PoolOf(repos.BaseOs, repos.AppStream);
        var result = Solver.Solve(pool, specs.Select(SolverJob.Install).ToList(), new SolverOptions());
        var dnf = DnfOracle.Install([("baseos", RepoFixtures.CentosBaseOs), ("appstream", RepoFixtures.CentosAppStream)], specs);
        if (dnf is null)
        {
            // The two snapshots do not fit together for some requests; then dnf (best=True) refuses, and so must Keel.
            output.WriteLine($"{request}: dnf refuses; keel: {string.Join(" / ", result.Problems)}");
            Assert.False(result.Succeeded);
            return;
        }

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var keel = RepoFixtures.Nevras(result.Transaction!.Install);
        output.WriteLine($"{request}: keel {keel.Count}, dnf {dnf.Count}");
        output.WriteLine("only keel: " + string.Join(" ", keel.Except(dnf)));
        output.WriteLine("only dnf: " + string.Join(" ", dnf.Except(keel)));
        Assert.Equal(dnf, keel);
    }

    [Fact]
    public void Unsatisfiable_gcc_is_explained_with_the_missing_libgcc()
    {
        var pool = RepoFixtures.PoolOf(repos.BaseOs, repos.AppStream);
        var result = Solver.Solve(pool, [SolverJob.Install("gcc")], new SolverOptions());
        Assert.False(result.Succeeded);
        var message = Assert.Single(result.Problems).Message;
        output.WriteLine(message);

        // dnf: "nothing provides libgcc >= 11.5.0-2.el9 needed by gcc-11.5.0-2.el9.x86_64"; the only libgcc is older.
        Assert.Contains("gcc-11.5.0-2.el9.x86_64", message, StringComparison.Ordinal);
        Assert.Contains("libgcc >=", message, StringComparison.Ordinal);
        Assert.Contains("libgcc-11.2.1-9.1.el9.x86_64", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_best_every_gcc_version_is_tried_and_each_failure_is_named()
    {
        var pool = RepoFixtures.PoolOf(repos.BaseOs, repos.AppStream);
        var result = Solver.Solve(pool, [SolverJob.Install("gcc")], new SolverOptions { Best = false });
        Assert.False(result.Succeeded);
        var message = Assert.Single(result.Problems).Message;
        var versions = pool.Packages.Where(p => p.Name == "gcc" && p.Arch == "x86_64").Select(p => p.Nevra).ToList();
        Assert.True(versions.Count > 1);
        Assert.All(versions, v => Assert.Contains($"needed by {v}", message, StringComparison.Ordinal));
    }
}
