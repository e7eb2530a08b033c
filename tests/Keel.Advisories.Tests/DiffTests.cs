using System.Text.Json;
using Keel.ImageManifest;
using Keel.Sbom.Tests;

namespace Keel.Advisories.Tests;

/// <summary>
/// keel diff of two fixture systems a package version apart: tzdata 2025a in the old one, a rebuilt 2025b in the new
/// one, and an advisory in the repository naming 2025b. Compared as roots and as manifests.
/// </summary>
public sealed class DiffTests(DiffFixture fixture) : IClassFixture<DiffFixture>
{
    [Fact]
    public async Task DiffOfRoots_NamesTheUpgradedPackageTheFixedAdvisoryAndTheConfigChange()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("diff", fixture.OldRoot, fixture.NewRoot, "--repo", fixture.Repository.Dir, "--json");
        Assert.True(exit == 0, stderr);
        AssertReport(stdout, withConfig: true);
    }

    [Fact]
    public async Task DiffOfManifests_GivesTheSamePackagesAndAdvisories()
    {
        var oldManifest = Path.Combine(fixture.OldRoot, ImageManifestPaths.ManifestRelative);
        var newManifest = Path.Combine(fixture.NewRoot, ImageManifestPaths.ManifestRelative);
        var (exit, stdout, stderr) = await CliRunner.RunAsync("diff", oldManifest, newManifest, "--repo", fixture.Repository.Dir, "--json");
        Assert.True(exit == 0, stderr);
        AssertReport(stdout, withConfig: true);
    }

    [Fact]
    public async Task TextOutput_HasOneLinePerChange()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("diff", fixture.OldRoot, fixture.NewRoot, "--repo", fixture.Repository.Dir);
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("upgraded   tzdata.noarch 2025a-1.azl4 -> 2025b-1.azl4", lines);
        Assert.Contains("fixed      TEST-SA-0100 Important CVE-2099-0100", lines);
        Assert.Contains("config:", lines);
        Assert.Contains("  -hostname: week1", lines);
        Assert.Contains("  +hostname: week2", lines);
    }

    [Fact]
    public async Task DiffOfTheSameSystem_IsEmpty()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("diff", fixture.OldRoot, fixture.OldRoot, "--repo", fixture.Repository.Dir);
        Assert.Equal(0, exit);
        Assert.Equal("no differences", stdout.Trim());
    }

    [Fact]
    public async Task Downgrade_IsReportedAndTheAdvisoryComesBack()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("diff", fixture.NewRoot, fixture.OldRoot, "--repo", fixture.Repository.Dir, "--json");
        Assert.True(exit == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var down = Assert.Single(report.RootElement.GetProperty("downgraded").EnumerateArray());
        Assert.Equal("tzdata", down.GetProperty("name").GetString());
        Assert.Equal("TEST-SA-0100", Assert.Single(report.RootElement.GetProperty("advisoriesIntroduced").EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty(report.RootElement.GetProperty("advisoriesFixed").EnumerateArray());
    }

    private static void AssertReport(string json, bool withConfig)
    {
        using var report = JsonDocument.Parse(json);
        var r = report.RootElement;
        var up = Assert.Single(r.GetProperty("upgraded").EnumerateArray());
        Assert.Equal("tzdata", up.GetProperty("name").GetString());
        Assert.Equal("2025a-1.azl4", up.GetProperty("old").GetString());
        Assert.Equal("2025b-1.azl4", up.GetProperty("new").GetString());
        Assert.Empty(r.GetProperty("added").EnumerateArray());
        Assert.Empty(r.GetProperty("removed").EnumerateArray());
        Assert.Empty(r.GetProperty("downgraded").EnumerateArray());

        // sudo's advisory applies to both systems: it is not "fixed".
        var fixedAdvisory = Assert.Single(r.GetProperty("advisoriesFixed").EnumerateArray());
        Assert.Equal("TEST-SA-0100", fixedAdvisory.GetProperty("id").GetString());
        Assert.Equal(["CVE-2099-0100"], fixedAdvisory.GetProperty("cves").EnumerateArray().Select(c => c.GetString()));
        Assert.Empty(r.GetProperty("advisoriesIntroduced").EnumerateArray());
        if (withConfig)
        {
            Assert.Equal([" preset: minimal", "-hostname: week1", "+hostname: week2"], r.GetProperty("configChanges").EnumerateArray().Select(l => l.GetString()));
        }
    }
}

/// <summary>The week-1 and week-2 systems and the repository that holds both tzdata builds and the advisories.</summary>
public sealed class DiffFixture : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("keel-diff-").FullName;

    public DiffFixture()
    {
        var rebuilt = RebuiltPackage.BuildTzdata2025b(_work);
        Repository = AdvisoryRepository.Create(
            [
                new("TEST-SA-0100", "security", "Important", "CVE-2099-0100", new TestAdvisoryPackage("tzdata", null, "2025b", "1.azl4", "noarch")),
                new("TEST-SA-0101", "security", "Critical", "CVE-2099-0101", new TestAdvisoryPackage("sudo", null, "1.9.17p1", "1.azl4", "x86_64")),
            ],
            [rebuilt]);
        OldRoot = FixtureRoot.Install(Repository.Dir, "tzdata-2025a", "sudo-1.9.16p2");
        NewRoot = FixtureRoot.Install(Repository.Dir, "tzdata-2025b", "sudo-1.9.16p2");
        WriteManifest(OldRoot, "preset: minimal\nhostname: week1\n");
        WriteManifest(NewRoot, "preset: minimal\nhostname: week2\n");
    }

    public string OldRoot { get; }

    public string NewRoot { get; }

    internal AdvisoryRepository Repository { get; }

    public void Dispose()
    {
        FixtureRoot.Delete(OldRoot);
        FixtureRoot.Delete(NewRoot);
        Repository.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private static void WriteManifest(string root, string config)
    {
        var path = Path.Combine(root, ImageManifestPaths.ManifestRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, InstalledRootFixture.Serialize(InstalledRootFixture.ManifestOf(root, "minimal", config)));
    }
}
