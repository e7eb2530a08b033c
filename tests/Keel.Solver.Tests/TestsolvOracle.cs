using System.Diagnostics;

namespace Keel.Solver.Tests;

/// <summary>
/// Runs libsolv's real testsolv as an oracle: converts rpm-md directories with repo2solv, writes a testcase that
/// installs the given names into an empty system and returns the NEVRAs testsolv installs.
/// </summary>
internal static class TestsolvOracle
{
    public static bool Available => File.Exists("/usr/bin/testsolv") && File.Exists("/usr/bin/repo2solv");

    /// <summary>The packages testsolv installs for "job install name SPEC" jobs (libsolv priorities: first repo highest).</summary>
    public static List<string> Install(IReadOnlyList<(string Id, string Dir, int Priority)> repos, IEnumerable<string> names, string arch = "x86_64", bool noRecommends = false)
    {
        var work = Directory.CreateTempSubdirectory("keel-testsolv-");
        try
        {
            var lines = new List<string> { "repo system 0 empty" };
            foreach (var (id, dir, prio) in repos)
            {
                var solv = Path.Combine(work.FullName, id + ".solv");
                Run("repo2solv", ["-o", solv, dir]);
                // libsolv: higher priority wins; dnf (and Keel): lower wins.
                lines.Add($"repo {id} {-prio} solv {id}.solv"); // testsolv reads it relative to the .t file
            }

            lines.Add($"system {arch} rpm system");
            if (noRecommends)
            {
                lines.Add("solverflags ignorerecommended");
            }

            lines.AddRange(names.Select(n => $"job install name {n}"));
            lines.Add("result transaction,problems <inline>");
            var t = Path.Combine(work.FullName, "case.t");
            File.WriteAllLines(t, lines);
            var output = Run("testsolv", [t], allowExit1: true);
            return output.Split('\n')
                .Where(l => l.StartsWith("+install ", StringComparison.Ordinal))
                .Select(l => l["+install ".Length..].Split('@')[0].Trim())
                .Select(StripZeroEpoch)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>libsolv prints "name-0:1.0-1.arch" only when the epoch is given; Keel's NEVRA omits a zero epoch.</summary>
    private static string StripZeroEpoch(string nevra) => nevra.Replace("-0:", "-", StringComparison.Ordinal);

    internal static string Run(string tool, IEnumerable<string> args, bool allowExit1 = false)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && !(allowExit1 && p.ExitCode == 1))
        {
            throw new InvalidOperationException($"{tool} exited {p.ExitCode}: {stderr.Result}");
        }

        return stdout;
    }
}
