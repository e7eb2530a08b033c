using System.Text.Json;
using Keel.Sbom.Tests;

namespace Keel.Advisories.Tests;

/// <summary>
/// keel scan against <c>dnf updateinfo list --installroot</c> on the same root and the same repository, whose
/// advisories the test writes to hit each part of dnf's rule.
/// </summary>
public sealed class ScanAgreesWithDnfTests(ScanFixture fixture) : IClassFixture<ScanFixture>
{
    internal static readonly TestAdvisory[] Advisories =
    [
        // Applies: the installed sudo is older; the aarch64 entry does not (nothing of that arch is installed).
        new("TEST-SA-0001", "security", "Critical", "CVE-2099-0001", P("sudo", null, "1.9.17p1", "1.azl4", "x86_64"), P("sudo", null, "1.9.17p1", "1.azl4", "aarch64")),
        // Equal and older versions do not apply.
        new("TEST-SA-0002", "security", "Important", "CVE-2099-0002", P("openssh", null, "9.6p1", "1.azl4", "x86_64"), P("openssh-server", null, "9.5p1", "1.azl4", "x86_64")),
        // Between the two installed kernels: dnf compares with the newest installed one only, so it does not apply.
        new("TEST-SA-0003", "security", "Moderate", null, P("kernel-core", null, "6.12.15", "1.azl4", "x86_64")),
        // Same name, other arch: only the noarch entry matches the noarch tzdata.
        new("TEST-BA-0004", "bugfix", "None", null, P("tzdata", null, "2025b", "1.azl4", "noarch"), P("tzdata", null, "2025b", "1.azl4", "x86_64")),
        // Epochs: shadow-utils is 2:4.17.0-1; a lower epoch with a higher version does not apply, a higher release does.
        new("TEST-SA-0005", "security", "Low", null, P("shadow-utils", "1", "4.18.0", "1.azl4", "x86_64")),
        new("TEST-SA-0006", "security", "Low", "CVE-2099-0006", P("shadow-utils", "2", "4.17.0", "2.azl4", "x86_64")),
        // Not installed at all.
        new("TEST-EA-0007", "enhancement", "None", null, P("vim-minimal", null, "9.9", "1.azl4", "x86_64")),
        // Two packages of one advisory; python3-libs applies, python3-devel (not installed) does not.
        new("TEST-BA-0008", "bugfix", "None", null, P("python3-libs", null, "3.13.2", "1.azl4", "x86_64"), P("python3-devel", null, "3.13.2", "1.azl4", "x86_64")),
    ];

    private static TestAdvisoryPackage P(string name, string? epoch, string version, string release, string arch) => new(name, epoch, version, release, arch);

    private readonly string _root = fixture.Root;
    private readonly AdvisoryRepository _repo = fixture.Repository;

    [Fact]
    public async Task Scan_ListsExactlyWhatDnfUpdateinfoListsOnTheSameRoot()
    {
        var dnf = _repo.DnfUpdateInfoList(_root);
        var (exit, stdout, stderr) = await CliRunner.RunAsync("scan", "--root", _root, "--repo", _repo.Dir, "--json");
        Assert.True(exit == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var keel = report.RootElement.GetProperty("advisories").EnumerateArray()
            .Select(a => $"{a.GetProperty("advisory").GetString()} {a.GetProperty("fixedNevra").GetString()}")
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(
            ["TEST-BA-0004 tzdata-2025b-1.azl4.noarch", "TEST-BA-0008 python3-libs-3.13.2-1.azl4.x86_64", "TEST-SA-0001 sudo-1.9.17p1-1.azl4.x86_64", "TEST-SA-0006 shadow-utils-2:4.17.0-2.azl4.x86_64"],
            dnf);
        Assert.Equal(dnf, keel.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scan_ReportsIdSeverityCvesInstalledAndFixedVersions()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("scan", "--root", _root, "--repo", _repo.Dir, "--json");
        Assert.True(exit == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var sudo = report.RootElement.GetProperty("advisories").EnumerateArray().Single(a => a.GetProperty("advisory").GetString() == "TEST-SA-0001");
        Assert.Equal("Critical", sudo.GetProperty("severity").GetString());
        Assert.Equal("security", sudo.GetProperty("type").GetString());
        Assert.Equal(["CVE-2099-0001"], sudo.GetProperty("cves").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("1.9.16p2-1.azl4", sudo.GetProperty("installed").GetString());
        Assert.Equal("1.9.17p1-1.azl4", sudo.GetProperty("fixed").GetString());

        var (_, text, _) = await CliRunner.RunAsync("scan", "--root", _root, "--repo", _repo.Dir);
        Assert.Contains("TEST-SA-0001 Critical/security sudo.x86_64 1.9.16p2-1.azl4 -> 1.9.17p1-1.azl4 CVE-2099-0001", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("critical", 1)]
    [InlineData("important", 1)]
    [InlineData("low", 1)]
    public async Task FailOn_ExitsNonZeroWhenAnAdvisoryAtOrAboveApplies(string level, int expected)
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("scan", "--root", _root, "--repo", _repo.Dir, "--fail-on", level);
        Assert.True(exit == expected, stderr);
    }

    [Fact]
    public async Task FailOn_PassesWhenOnlyLowerSeveritiesApply()
    {
        // Without sudo's critical advisory, the highest that applies is Low (TEST-SA-0006).
        using var repo = AdvisoryRepository.Create(Advisories.Where(a => a.Id != "TEST-SA-0001"));
        Assert.Equal(0, (await CliRunner.RunAsync("scan", "--root", _root, "--repo", repo.Dir, "--fail-on", "moderate")).Exit);
        Assert.Equal(1, (await CliRunner.RunAsync("scan", "--root", _root, "--repo", repo.Dir, "--fail-on", "low")).Exit);
    }

    [Fact]
    public async Task BadInput_IsOneLineNamingIt()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("scan", "--root", _root, "--repo", _repo.Dir, "--fail-on", "severe");
        Assert.NotEqual(0, exit);
        Assert.Equal("keel: --fail-on 'severe': expected low, moderate, important or critical", stderr.Trim());

        var missing = Path.Combine(_root, "no-such-dir");
        (exit, _, stderr) = await CliRunner.RunAsync("scan", "--root", missing, "--repo", _repo.Dir);
        Assert.NotEqual(0, exit);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }

}

/// <summary>The scanned root (two kernels, vulnerable sudo and openssh, epochs, noarch) and the repository with the test's advisories.</summary>
public sealed class ScanFixture : IDisposable
{
    public string Root { get; } = FixtureRoot.Install(FixtureRoot.Repo, "openssh-server-9.6p1", "sudo-1.9.16p2", "python3-3.13.1", "kernel-6.12.12.1", "kernel-6.12.18.1", "tzdata");

    internal AdvisoryRepository Repository { get; } = AdvisoryRepository.Create(ScanAgreesWithDnfTests.Advisories);

    public void Dispose()
    {
        FixtureRoot.Delete(Root);
        Repository.Dispose();
    }
}
