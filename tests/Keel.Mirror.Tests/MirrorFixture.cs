using System.Diagnostics;
using Keel.Repository.Definitions;
using Keel.Tests;

namespace Keel.Mirror.Tests;

/// <summary>The signed fixture repository, copies of it the tests may change, and the real tools they run.</summary>
internal static class MirrorFixture
{
    public static string Repo => TestPaths.FixtureRepo;

    /// <summary>The packages the fixture repository holds (every architecture), counted rather than hard-coded.</summary>
    public static int PackageCount => Directory.GetFiles(Path.Combine(Repo, "Packages"), "*.rpm", SearchOption.AllDirectories).Length;

    public static string Key => Path.Combine(Repo, "RPM-GPG-KEY-keel-fixture");

    /// <summary>A definition for <paramref name="url"/> trusting the fixture key (as `--key` does).</summary>
    public static RepositoryDefinition Definition(string id, string url) => new()
    {
        Id = id,
        BaseUrls = [url],
        GpgKeys = [Key],
        GpgCheck = true,
        RepoGpgCheck = true,
    };

    /// <summary>A copy of the fixture repository (packages, metadata, key and signing keyring) to change.</summary>
    public static string Copy(string parent)
    {
        var dir = Path.Combine(parent, "upstream");
        Run("cp", "-a", Repo, dir);
        return dir;
    }

    /// <summary>A small signed repository of the packages whose file names start with one of <paramref name="prefixes"/>.</summary>
    public static string Small(string parent, params string[] prefixes)
    {
        var dir = Path.Combine(parent, "small");
        Directory.CreateDirectory(Path.Combine(dir, "Packages"));
        foreach (var rpm in Directory.EnumerateFiles(Path.Combine(Repo, "Packages"), "*.rpm", SearchOption.AllDirectories))
        {
            if (prefixes.Any(p => Path.GetFileName(rpm).StartsWith(p, StringComparison.Ordinal)))
            {
                File.Copy(rpm, Path.Combine(dir, "Packages", Path.GetFileName(rpm)));
            }
        }

        Run("cp", "-a", Path.Combine(Repo, ".keel-build"), Path.Combine(dir, ".keel-build"));
        Run("createrepo_c", "--quiet", dir);
        Sign(dir);
        return dir;
    }

    /// <summary>Signs DIR/repodata/repomd.xml with the fixture key (the copy's own keyring), as the vendor would.</summary>
    public static void Sign(string dir)
    {
        var home = Path.Combine(dir, ".keel-build", "gnupg");
        var repomd = Path.Combine(dir, "repodata", "repomd.xml");
        Run("gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--detach-sign", "-o", repomd + ".asc", repomd);
    }

    /// <summary>Runs a tool; throws with its output when it fails.</summary>
    public static string Run(string tool, params string[] args)
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
        return p.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: exit {p.ExitCode}: {stdout}{stderr.Result}");
    }

    /// <summary>Where DEST/current points ("snapshots/ID").</summary>
    public static string Current(string dest) => new FileInfo(Path.Combine(dest, "current")).LinkTarget!;

    /// <summary>sha256 of every file under <paramref name="dir"/>, by relative path.</summary>
    public static Dictionary<string, string> Digests(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);
}
