using System.Diagnostics;
using Keel.Tests;

namespace Keel.Sbom.Tests;

/// <summary>
/// Real systems for the tests: roots installed by dnf from the fixture distribution (or a changed copy of it), with
/// the rpmdb where Azure Linux keeps it. Debian's rpm puts it under ~/.rpmdb, so dnf runs with a HOME whose .rpmmacros
/// sets %_dbpath, and rpm gets --dbpath.
/// </summary>
internal static class FixtureRoot
{
    public const string DbPath = "/usr/lib/sysimage/rpm";

    private static readonly Lazy<string> Home = new(() =>
    {
        var home = Directory.CreateTempSubdirectory("keel-rpmhome-").FullName;
        File.WriteAllText(Path.Combine(home, ".rpmmacros"), $"%_dbpath {DbPath}\n");
        return home;
    });

    public static string Repo => TestPaths.FixtureRepo;

    /// <summary>Installs <paramref name="specs"/> (and their dependencies) from <paramref name="repo"/> into a new root; imports the fixture key.</summary>
    public static string Install(string repo, params string[] specs)
    {
        var root = Directory.CreateTempSubdirectory("keel-sbom-root-").FullName;
        Run("dnf", [.. DnfArgs(root, repo), "-y", "install", .. specs]);
        Run("rpm", ["--root", root, "--dbpath", DbPath, "--import", Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture")]);
        return root;
    }

    /// <summary>dnf's options for <paramref name="root"/> with only <paramref name="repo"/> (id "fx"), no signature checks.</summary>
    public static string[] DnfArgs(string root, string repo, string? cacheDir = null) =>
    [
        "--installroot=" + root, "--setopt=reposdir=/dev/null", "--setopt=cachedir=" + (cacheDir ?? root + ".dnf-cache"),
        "--repofrompath=fx," + repo, "--setopt=fx.gpgcheck=0", "--setopt=fx.repo_gpgcheck=0", "--releasever=4.0",
        "--disableplugin=*", "--setopt=install_weak_deps=False", "-q",
    ];

    /// <summary>
    /// <c>rpm -qa --root</c>: every rpmdb entry, sorted, as NAME-[EPOCH:]VERSION-RELEASE[.ARCH] (rpm -qa's own format
    /// leaves the epoch out; this one keeps it so that an SBOM that loses an epoch does not pass).
    /// </summary>
    public static List<string> RpmQa(string root)
    {
        var list = Run("rpm", ["--root", root, "--dbpath", DbPath, "-qa", "--qf", "%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}%|ARCH?{.%{ARCH}}:{}|\n"]).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>Runs a tool with the rpm HOME; returns stdout, throws with stderr on a non-zero exit.</summary>
    public static string Run(string tool, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "/" };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["HOME"] = Home.Value;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{tool} {string.Join(' ', psi.ArgumentList)}: exit {p.ExitCode}: {stderr.Result}");
    }

    public static void Delete(string root)
    {
        Directory.Delete(root, recursive: true);
        if (Directory.Exists(root + ".dnf-cache"))
        {
            Directory.Delete(root + ".dnf-cache", recursive: true);
        }
    }
}
