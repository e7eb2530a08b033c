using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.Cli.Tests;

/// <summary>
/// `keel repo resolve` against the real dnf on the signed fixture distribution: the same request must give the same
/// install set. dnf 4.14 spells an environment "@ID" where Keel (and dnf 5) also accept "@^ID".
/// </summary>
public class FixtureSideBySideTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, bool, string> Requests => new()
    {
        { "@^container-host-environment", "@container-host-environment", false, "x86_64" },
        { "@^minimal-environment", "@minimal-environment", false, "x86_64" },
        { "@^developer-workstation-environment", "@developer-workstation-environment", false, "x86_64" },
        { "@^container-host-environment", "@container-host-environment", false, "aarch64" },
        { "podman", "podman", false, "x86_64" },
        { "podman* @container-host", "podman* @container-host", false, "x86_64" },
        { "podman", "podman", true, "x86_64" },
        { "openssh-server sudo", "openssh-server sudo", false, "x86_64" },
        { "/usr/bin/python3", "/usr/bin/python3", false, "x86_64" },
        { "gdb strace valgrind", "gdb strace valgrind", false, "aarch64" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Resolve_equals_dnf(string keelSpecs, string dnfSpecs, bool noRecommends, string arch)
    {
        Assert.True(DnfOracle.Available, "dnf is not installed (Debian package: dnf)");
        var dnf = DnfOracle.Install([("fixture", TestPaths.FixtureRepo)], dnfSpecs.Split(' '), noRecommends, arch);
        Assert.NotNull(dnf);

        using var cache = new TempDir();
        List<string> args = ["repo", "resolve", "--repo", TestPaths.FixtureRepo, "--cache", cache.Path, "--arch", arch];
        if (noRecommends)
        {
            args.Add("--no-recommends");
        }

        args.AddRange(keelSpecs.Split(' '));
        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. args]);
        Assert.True(exit == 0, stderr);
        var keel = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();

        output.WriteLine($"{keelSpecs} ({arch}): keel {keel.Count}, dnf {dnf.Count}");
        output.WriteLine("only keel: " + string.Join(" ", keel.Except(dnf)));
        output.WriteLine("only dnf: " + string.Join(" ", dnf.Except(keel)));
        Assert.Equal(dnf.Order(StringComparer.Ordinal), keel);
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("keel-cli-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
