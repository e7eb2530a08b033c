using System.Diagnostics;
using Keel.Tests;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// An older snapshot of the fixture repository: the same signed packages minus some, indexed by createrepo_c and its
/// repomd.xml signed with the fixture's key, as a distribution's medium made last month would carry. Serving the full
/// fixture repository next to it then plays the online repository with updates.
/// </summary>
internal static class SnapshotRepository
{
    /// <summary>Writes the snapshot into <paramref name="destination"/>, leaving out every package file <paramref name="leaveOut"/> picks.</summary>
    public static void Create(string destination, Func<string, bool> leaveOut)
    {
        var source = TestPaths.FixtureRepo;
        foreach (var rpm in Directory.EnumerateFiles(Path.Combine(source, "Packages"), "*.rpm", SearchOption.AllDirectories))
        {
            if (leaveOut(Path.GetFileName(rpm)))
            {
                continue;
            }

            var target = Path.Combine(destination, Path.GetRelativePath(source, rpm));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(rpm, target);
        }

        File.Copy(Path.Combine(source, "RPM-GPG-KEY-keel-fixture"), Path.Combine(destination, "RPM-GPG-KEY-keel-fixture"));
        Run("createrepo_c", "--quiet", "--no-database", "--groupfile", Path.Combine(TestPaths.RepoRoot, "tests", "fixture-distro", "comps.xml"), destination);
        using var gpg = FixtureSigningKey.Open();
        gpg.Run("--armor", "--detach-sign", "--output", Path.Combine(destination, "repodata", "repomd.xml.asc"), Path.Combine(destination, "repodata", "repomd.xml"));
    }

    internal static string Run(string tool, params string[] args)
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
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        return stdout;
    }
}

/// <summary>A short-lived copy of the fixture's signing GnuPG home (the key that signs its packages and repodata), so tests can sign as the distribution.</summary>
internal sealed class FixtureSigningKey : IDisposable
{
    private FixtureSigningKey(string home, string fingerprint)
    {
        Home = home;
        Fingerprint = fingerprint;
    }

    /// <summary>The GNUPGHOME to use; short, so gpg-agent's socket path fits.</summary>
    public string Home { get; }

    /// <summary>The signing key's fingerprint (upper-case hex, as gpg prints it).</summary>
    public string Fingerprint { get; }

    public static FixtureSigningKey Open()
    {
        var source = Path.Combine(TestPaths.FixtureRepo, ".keel-build", "gnupg");
        Assert.True(Directory.Exists(source), $"the fixture's signing key is missing at {source}: run tests/fixture-distro/build.sh");
        var home = Directory.CreateTempSubdirectory("kg").FullName;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("S.", StringComparison.Ordinal) || relative.EndsWith(".lock", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(home, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var colons = SnapshotRepository.Run("gpg", "--homedir", home, "--batch", "--with-colons", "--list-secret-keys");
        var fingerprint = colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        return new FixtureSigningKey(home, fingerprint);
    }

    /// <summary>Runs gpg on this home as the signing key.</summary>
    public string Run(params string[] args) =>
        SnapshotRepository.Run("gpg", ["--homedir", Home, "--batch", "--yes", "--pinentry-mode", "loopback", "--local-user", Fingerprint, .. args]);

    public void Dispose()
    {
        try
        {
            SnapshotRepository.Run("gpgconf", "--homedir", Home, "--kill", "gpg-agent");
        }
        catch (Xunit.Sdk.XunitException)
        {
            // The agent may never have started.
        }

        EndToEnd.DeleteQuietly(Home);
    }
}
