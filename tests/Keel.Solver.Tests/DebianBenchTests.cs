using System.Diagnostics;
using Xunit.Abstractions;

namespace Keel.Solver.Tests;

/// <summary>
/// The Debian bookworm benchmark repository (63k packages, rich "or" dependencies) side by side with testsolv.
/// Times are printed with testsolv's in the same run, never asserted; the install set is asserted.
/// </summary>
public sealed class DebianBenchTests(ITestOutputHelper output)
{
    private static readonly string[] Specs = ["openssh-server", "podman", "build-essential", "gdb", "git"];

    [Fact]
    public void Five_packages_match_testsolv()
    {
        Assert.True(TestsolvOracle.Available, "testsolv/repo2solv are not installed (Debian package: libsolv-tools)");
        var sw = Stopwatch.StartNew();
        var repo = RepoFixtures.Load(RepoFixtures.DebianBench, "debian");
        output.WriteLine($"load (Keel.Repository, parsed cache may be warm): {sw.ElapsedMilliseconds} ms, {repo.Packages.Count} packages");

        long before = GC.GetTotalMemory(forceFullCollection: true);
        sw.Restart();
        var pool = RepoFixtures.PoolOf(repo);
        output.WriteLine($"pool construction: {sw.ElapsedMilliseconds} ms, {(GC.GetTotalMemory(forceFullCollection: true) - before) / 1024} KiB for the indexes");

        var jobs = Specs.Select(SolverJob.Install).ToList();
        SolverResult? result = null;
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            sw.Restart();
            result = Solver.Solve(pool, jobs);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        Assert.True(result!.Succeeded, string.Join("\n", result.Problems));
        var keel = RepoFixtures.Nevras(result.Transaction!.Install);

        sw.Restart();
        var oracle = TestsolvOracle.Install([("debian", RepoFixtures.DebianBench, 99)], Specs);
        output.WriteLine($"repo2solv + testsolv (incl. conversion): {sw.ElapsedMilliseconds} ms");
        output.WriteLine($"keel solve: min {times.Min():F1} ms, median {times.Order().ElementAt(times.Count / 2):F1} ms; {keel.Count} packages, testsolv {oracle.Count}");
        output.WriteLine("only keel: " + string.Join(" ", keel.Except(oracle)));
        output.WriteLine("only testsolv: " + string.Join(" ", oracle.Except(keel)));

        // Equal only because Keel walks requirements in libsolv's order (sorted rules, single candidates first): with
        // creation order it filled dbus-user-session's "(dbus-daemon = V or dbus-broker)" after dbus-daemon was in.
        Assert.Equal(oracle, keel);
    }
}
