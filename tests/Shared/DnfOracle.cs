using System.Diagnostics;

namespace Keel.Tests;

/// <summary>
/// Runs the real dnf as an oracle: an install into an empty installroot with only the given repositories, answered
/// "no", and the NEVRAs of its transaction table. Reusable for any rpm-md directories (the fixture repo too).
/// </summary>
internal static class DnfOracle
{
    public static bool Available => File.Exists("/usr/bin/dnf");

    /// <summary>
    /// The packages dnf would install for <paramref name="specs"/>, as NAME-[EPOCH:]VERSION-RELEASE.ARCH, sorted;
    /// null when dnf reports that the request cannot be satisfied.
    /// </summary>
    public static List<string>? Install(IReadOnlyList<(string Id, string Dir)> repos, IEnumerable<string> specs, bool noRecommends = false, string arch = "x86_64")
    {
        var root = Directory.CreateTempSubdirectory("keel-dnf-root-");
        var cache = Directory.CreateTempSubdirectory("keel-dnf-cache-");
        try
        {
            var psi = new ProcessStartInfo("dnf") { RedirectStandardOutput = true, RedirectStandardError = true };
            string[] args =
            [
                "--installroot=" + root.FullName, "--setopt=reposdir=/dev/null", "--setopt=cachedir=" + cache.FullName,
                "--setopt=*.gpgcheck=0", "--forcearch=" + arch, "--releasever=9", "--setopt=install_weak_deps=" + (noRecommends ? "False" : "True"),
                "--setopt=best=True", "--disableplugin=*",
            ];
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var (id, dir) in repos)
            {
                psi.ArgumentList.Add($"--repofrompath={id},{dir}");
            }

            psi.ArgumentList.Add("install");
            psi.ArgumentList.Add("--assumeno");
            foreach (var s in specs)
            {
                psi.ArgumentList.Add(s);
            }

            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var result = ParseTable(stdout);
            if (result.Count == 0 && p.ExitCode == 1 && stderr.Result.Contains("Problem", StringComparison.Ordinal))
            {
                return null;
            }

            if (result.Count == 0)
            {
                throw new InvalidOperationException($"dnf gave no transaction (exit {p.ExitCode}): {stdout}\n{stderr.Result}");
            }

            return result;
        }
        finally
        {
            root.Delete(recursive: true);
            cache.Delete(recursive: true);
        }
    }

    /// <summary>Reads dnf's "Installing:" sections (NAME ARCH [EPOCH:]VERSION-RELEASE REPO SIZE; long names wrap onto their own line).</summary>
    internal static List<string> ParseTable(string output)
    {
        var result = new List<string>();
        bool inInstall = false;
        string? pendingName = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("Installing", StringComparison.Ordinal) && line.EndsWith(':'))
            {
                inInstall = true;
                continue;
            }

            if (line.Length == 0 || !line.StartsWith(' ') || line.StartsWith("Transaction", StringComparison.Ordinal))
            {
                inInstall = line.Length > 0 && line.EndsWith(':') && line.StartsWith("Installing", StringComparison.Ordinal);
                pendingName = null;
                continue;
            }

            if (!inInstall)
            {
                continue;
            }

            var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length == 1)
            {
                pendingName = cols[0];
                continue;
            }

            if (pendingName is not null)
            {
                cols = [pendingName, .. cols];
                pendingName = null;
            }

            if (cols.Length >= 5)
            {
                result.Add($"{cols[0]}-{cols[2]}.{cols[1]}");
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }
}
