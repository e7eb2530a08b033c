using Keel.Config.Loading;
using Keel.Tests;

namespace Keel.EndToEnd.Tests;

/// <summary>Configs over the fixture repository, scratch directories and console parsing shared by the end-to-end tests.</summary>
internal static class EndToEnd
{
    /// <summary>
    /// TCG boots take 10–60 s here (a first boot that encrypts its root in place, minutes); the limit only ends a boot that
    /// hangs, so it is generous: two end-to-end classes run at once, and a loaded host has stretched a 3-minute boot past 5.
    /// </summary>
    public static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(10);

    /// <summary>A boot script (the fixture init runs /etc/rc.d/boot.d/*) that prints what the machine itself sees.</summary>
    public const string PrintPackagesAtBoot = """
        files:
          - path: /etc/rc.d/boot.d/50-e2e-report
            mode: "0755"
            content: |
              #!/bin/sh
              echo "KEEL-HOSTNAME $(hostname)"
              echo KEEL-RPMQA-BEGIN
              rpm -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n' | sort
              echo KEEL-RPMQA-END

        """;

    public static string Scratch(string what)
    {
        var path = Path.Combine(Path.GetTempPath(), $"keel-e2e-{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Writes a config for a fixture preset into <paramref name="directory"/>, with the serial console on and a fixed seed;
    /// <paramref name="moreRepositories"/> are list items appended after the signed fixture repository.
    /// </summary>
    public static string WriteConfig(string directory, string preset, string extra = "", string size = "2GiB", string moreRepositories = "")
    {
        var repo = TestPaths.FixtureRepo;
        Assert.True(File.Exists(Path.Combine(repo, "repodata", "repomd.xml")), $"fixture repository missing at {repo}: run tests/fixture-distro/build.sh");
        var path = Path.Combine(directory, preset + ".yaml");
        File.WriteAllText(path, $"""
            apiVersion: keel/v1
            kind: Machine
            distribution: fixture
            preset: {preset}
            repositories:
              - id: keel-fixture
                path: {repo}
                gpgkeys:
                  - {repo}/RPM-GPG-KEY-keel-fixture
            {moreRepositories}
            hostname: e2e-{preset}
            kernelCommandLine: console=ttyS0
            selinux: permissive
            output:
              size: {size}
            seed: e2e-{preset}
            {extra}
            """);
        return path;
    }

    /// <summary>The keel/keel-agent/keel-validate repository tests/agent-package/build.sh made (KEEL_AGENT_REPO); fails the test when it is missing.</summary>
    public static string AgentRepository()
    {
        var repo = Environment.GetEnvironmentVariable("KEEL_AGENT_REPO") ?? Path.Combine(TestPaths.RepoRoot, ".work", "agent-repo");
        Assert.True(File.Exists(Path.Combine(repo, "repodata", "repomd.xml")), $"the keel package repository is missing at {repo}: run tests/agent-package/build.sh");
        return repo;
    }

    public static LoadedConfig Load(string path)
    {
        var result = ConfigLoader.LoadFile(path);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    /// <summary>The console lines between two marker lines (the guest's serial output ends lines with CR LF).</summary>
    public static List<string> Between(string text, string begin, string end)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).ToList();
        int start = lines.IndexOf(begin);
        int stop = lines.IndexOf(end);
        Assert.True(start >= 0 && stop > start, $"markers {begin}/{end} not on the console: {Tail(text)}");
        return lines.GetRange(start + 1, stop - start - 1).Where(l => l.Length > 0).ToList();
    }

    public static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
