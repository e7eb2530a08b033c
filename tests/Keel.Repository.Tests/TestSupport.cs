using System.Diagnostics;
using Keel.Packaging;
using Keel.Repository.Cache;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>Temporary directories, oracle paths and real-tool runners shared by the repository tests.</summary>
internal static class TestSupport
{
    public static string CreaterepoData(params string[] parts) => TestPaths.Oracle(["createrepo_c", "tests", "testdata", .. parts]);

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "keel-repo-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static KeelCache TempCache() => new(TempDir());

    /// <summary>Runs a tool with arguments (no shell) and returns stdout; fails the test on a non-zero exit.</summary>
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>
    /// What real dnf lists for a repository directory, as sorted, distinct name-epoch:version-release.arch lines.
    /// module_hotfixes is on because Keel does not apply modular filtering (see docs/repositories.md).
    /// </summary>
    public static string[] DnfRepoQuery(string repoDir)
    {
        var root = TempDir();
        var output = Run(
            "dnf", "repoquery", "-q", "--releasever=1", "--installroot", root, "--setopt=cachedir=" + Path.Combine(root, "cache"),
            "--setopt=reposdir=/nonexistent", "--disablerepo=*", "--repofrompath=t," + repoDir, "--enablerepo=t", "--setopt=t.module_hotfixes=1",
            "--qf", "%{name}-%{epoch}:%{version}-%{release}.%{arch}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Keel's packages in the same spelling and order as <see cref="DnfRepoQuery"/>.</summary>
    public static string[] KeelRepoQuery(LoadedRepository repo) =>
        repo.Packages.Select(DnfStyle).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    public static string DnfStyle(PackageMetadata p) => $"{p.Name}-{p.Evr.EpochNumber}:{p.Evr.Version}-{p.Evr.Release}.{p.Arch}";

    public static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
    }

    /// <summary>A real repository made by createrepo_c from createrepo_c's own test packages.</summary>
    public static string BuildPackageRepo()
    {
        var dir = TempDir();
        foreach (var rpm in Directory.GetFiles(CreaterepoData("packages"), "*.rpm"))
        {
            if (!rpm.EndsWith(".src.rpm", StringComparison.Ordinal))
            {
                File.Copy(rpm, Path.Combine(dir, Path.GetFileName(rpm)));
            }
        }

        Run("createrepo_c", "--quiet", "--no-database", dir);
        return dir;
    }
}
