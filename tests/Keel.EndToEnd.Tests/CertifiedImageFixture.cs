using System.Collections.Concurrent;
using System.Diagnostics;
using Keel.Cli;
using Keel.Tests;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// One signed image per fixture preset, built once for the whole class by `keel build --signing-key` with the
/// distribution key, keel-validate and keel-agent from the agent repository (signed by the same key), as raw files so
/// that copies are cheap and can be changed through a loop device.
/// </summary>
public sealed class CertifiedImageFixture : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _images = new();

    public CertifiedImageFixture()
    {
        Work = EndToEnd.Scratch("certified");
        GnupgHome = Path.Combine(Work, "gnupg");
        // The fixture build keeps its signing key in DEST/.keel-build/gnupg; gpg writes sockets and locks into its home,
        // so it works on a copy and never in the shared fixture repository.
        var keyHome = Path.Combine(TestPaths.FixtureRepo, ".keel-build", "gnupg");
        Assert.True(Directory.Exists(keyHome), $"the fixture signing key is missing at {keyHome}: run tests/fixture-distro/build.sh");
        Run("cp", "-a", keyHome + "/.", GnupgHome + "/");
        Run("chmod", "700", GnupgHome);
        SigningKey = Path.Combine(Work, "distro-secret-key.asc");
        File.WriteAllText(SigningKey, Gpg("--armor", "--export-secret-keys"));
        Fingerprint = Gpg("--with-colons", "--list-secret-keys").Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        AgentRepo = SignedAgentRepository();
    }

    public string Work { get; }

    /// <summary>The fixture distribution's public key: what the tests trust (--key).</summary>
    public static string DistributionKey => Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture");

    public string SigningKey { get; }

    public string GnupgHome { get; }

    public string Fingerprint { get; }

    /// <summary>A copy of the agent repository whose packages carry the distribution key's signature.</summary>
    public string AgentRepo { get; }

    /// <summary>The signed raw image of <paramref name="preset"/>, built on first use.</summary>
    public Task<string> ImageAsync(string preset) => _images.GetOrAdd(preset, p => new Lazy<Task<string>>(() => BuildAsync(p))).Value;

    public void Dispose()
    {
        // gpg started an agent for the private home; end it before the home goes.
        RunAllowingFailure("gpgconf", "--homedir", GnupgHome, "--kill", "all");
        EndToEnd.DeleteQuietly(Work);
    }

    private static string GpgPath() =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "gpg")).FirstOrDefault(File.Exists) ?? "/usr/bin/gpg";

    public string Gpg(params string[] args) => Run("gpg", ["--homedir", GnupgHome, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", .. args]);

    /// <summary>
    /// The minimal image as next week's rebuild makes it: the same config plus a repository holding tzdata 2025b (signed
    /// with the distribution key) and the advisory that ships it.
    /// </summary>
    public Task<string> UpdatedMinimalImageAsync() => _images.GetOrAdd("minimal-updated", _ => new Lazy<Task<string>>(() => BuildAsync("minimal", UpdateRepository(), "minimal-updated"))).Value;

    /// <summary>The repository of <see cref="UpdatedMinimalImageAsync"/>: tzdata 2025b and advisory <see cref="UpdateAdvisory"/>.</summary>
    public string UpdateRepositoryDir => Path.Combine(Work, "update-repo");

    /// <summary>The advisory the update repository's updateinfo names for tzdata 2025b.</summary>
    public const string UpdateAdvisory = "TEST-SA-0200";

    private async Task<string> BuildAsync(string preset, string? updateRepository = null, string? name = null)
    {
        var dir = Path.Combine(Work, name ?? preset);
        Directory.CreateDirectory(dir);
        var update = updateRepository is null ? "" : $"""

              - id: weekly-update
                path: {updateRepository}
                gpgkeys:
                  - {DistributionKey}
            """;
        var config = EndToEnd.WriteConfig(dir, preset, moreRepositories: $"""
              - id: keel-agent
                path: {AgentRepo}
                gpgkeys:
                  - {DistributionKey}{update}
            """, extra: """
            packages:
              include:
                - keel-validate
                - keel-agent
            services:
              enable:
                - keel-agent-local.service
                - keel-agent-final.service
            """);
        var image = Path.Combine(dir, preset + ".raw");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await KeelCli.RunAsync(["build", config, "-o", image, "--signing-key", SigningKey], stdout, stderr);
        Assert.True(exit == 0, $"keel build {preset}: exit {exit}: {stderr}");
        return image;
    }

    /// <summary>tzdata-2025b built with rpmbuild, signed with the distribution key, in a repository whose updateinfo names it.</summary>
    private string UpdateRepository()
    {
        var repo = UpdateRepositoryDir;
        Directory.CreateDirectory(Path.Combine(repo, "Packages"));
        var rpm = Path.Combine(repo, "Packages", "tzdata-2025b-1.azl4.noarch.rpm");
        File.Copy(Keel.Advisories.Tests.RebuiltPackage.BuildTzdata2025b(Work), rpm);
        Run("rpmsign", "--define", $"_gpg_name {Fingerprint}", "--define", $"_gpg_path {GnupgHome}", "--define", "__gpg " + GpgPath(), "--addsign", rpm);
        Run("createrepo_c", "--quiet", repo);
        var updateInfo = Path.Combine(Work, "updateinfo.xml");
        File.WriteAllText(updateInfo, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <updates>
              <update from="security@keel.invalid" status="stable" type="security" version="2.0">
                <id>{UpdateAdvisory}</id>
                <title>tzdata: the 2025b rules</title>
                <issued date="2025-02-01 12:00:00"/>
                <severity>Moderate</severity>
                <description>Time zone rule changes.</description>
                <references>
                  <reference href="https://nvd.nist.gov/vuln/detail/CVE-2099-0200" id="CVE-2099-0200" type="cve" title="CVE-2099-0200"/>
                </references>
                <pkglist>
                  <collection short="update">
                    <name>update</name>
                    <package name="tzdata" version="2025b" release="1.azl4" arch="noarch" src="tzdata-2025b-1.azl4.src.rpm">
                      <filename>tzdata-2025b-1.azl4.noarch.rpm</filename>
                    </package>
                  </collection>
                </pkglist>
              </update>
            </updates>
            """);
        Run("modifyrepo_c", "--mdtype=updateinfo", updateInfo, Path.Combine(repo, "repodata"));
        return repo;
    }

    /// <summary>
    /// The agent repository's packages, signed with the distribution key (rpmsign leaves a package already signed by
    /// it as it is), so an image that installs keel-validate passes its own signature check.
    /// </summary>
    private string SignedAgentRepository()
    {
        var source = Environment.GetEnvironmentVariable("KEEL_AGENT_REPO") ?? Path.Combine(TestPaths.RepoRoot, ".work", "agent-repo");
        var packages = Directory.Exists(Path.Combine(source, "Packages")) ? Directory.GetFiles(Path.Combine(source, "Packages"), "*.rpm") : [];
        Assert.True(packages.Any(p => Path.GetFileName(p).StartsWith("keel-validate-", StringComparison.Ordinal)), $"keel-validate package missing in {source}: run tests/agent-package/build.sh");
        var repo = Path.Combine(Work, "agent-repo");
        Directory.CreateDirectory(Path.Combine(repo, "Packages"));
        var copies = packages.Select(p => Path.Combine(repo, "Packages", Path.GetFileName(p))).ToArray();
        foreach (var (from, to) in packages.Zip(copies))
        {
            File.Copy(from, to);
        }

        Run("rpmsign", ["--define", $"_gpg_name {Fingerprint}", "--define", $"_gpg_path {GnupgHome}", "--define", "__gpg " + GpgPath(), "--addsign", .. copies]);
        Run("createrepo_c", "--quiet", repo);
        return repo;
    }

    /// <summary>Runs a tool; returns stdout, fails the test with stderr on a non-zero exit.</summary>
    public static string Run(string tool, params string[] args)
    {
        var (exit, stdout, stderr) = RunAllowingFailure(tool, args);
        Assert.True(exit == 0, $"{tool} {string.Join(' ', args)}: exit {exit}: {stderr}");
        return stdout;
    }

    public static (int Exit, string Stdout, string Stderr) RunAllowingFailure(string tool, params string[] args)
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
        return (p.ExitCode, stdout, stderr.Result);
    }
}
