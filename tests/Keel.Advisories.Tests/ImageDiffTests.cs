using Keel.Packaging;
using Keel.Repository.Metadata;

namespace Keel.Advisories.Tests;

/// <summary>The comparison rules of <see cref="ImageDiff"/> and <see cref="AdvisoryScanner"/> on small hand-made systems.</summary>
public sealed class ImageDiffTests
{
    private static SystemPackage P(string name, string evr, string arch = "x86_64") => new(name, Evr.Parse(evr), arch);

    private static SystemSnapshot System(string config, params SystemPackage[] packages) => new("test", packages, config);

    [Fact]
    public void Packages_AreComparedByNameArchWithRpmvercmp()
    {
        var oldSystem = System("a\n", P("bash", "5.2-1"), P("curl", "8.10-1"), P("gone", "1-1"), P("glibc", "2.41-3", "i686"), P("tilde", "1.0-1"));
        var newSystem = System("a\n", P("bash", "5.2-2"), P("curl", "8.9-1"), P("new", "1-1"), P("glibc", "2.41-3", "x86_64"), P("tilde", "1.0~rc1-1"));
        var diff = ImageDiff.Compare(oldSystem, newSystem, []);
        Assert.Equal(["bash"], diff.Upgraded.Select(c => c.Name));
        Assert.Equal(["curl", "tilde"], diff.Downgraded.Select(c => c.Name)); // 8.10 > 8.9; 1.0~rc1 < 1.0
        Assert.Equal(["glibc-2.41-3.x86_64", "new-1-1.x86_64"], diff.Added.Select(p => p.Nevra));
        Assert.Equal(["glibc-2.41-3.i686", "gone-1-1.x86_64"], diff.Removed.Select(p => p.Nevra));
        Assert.Empty(diff.ConfigChanges!);
    }

    [Fact]
    public void InstallOnlyPackages_WithSeveralVersions_AreAddedAndRemovedVersionByVersion()
    {
        var oldSystem = System(string.Empty, P("kernel", "6.12.12-1"), P("kernel", "6.12.15-1"));
        var newSystem = System(string.Empty, P("kernel", "6.12.15-1"), P("kernel", "6.12.18-1"));
        var diff = ImageDiff.Compare(oldSystem, newSystem, []);
        Assert.Equal(["kernel-6.12.18-1.x86_64"], diff.Added.Select(p => p.Nevra));
        Assert.Equal(["kernel-6.12.12-1.x86_64"], diff.Removed.Select(p => p.Nevra));
        Assert.Empty(diff.Upgraded);
    }

    [Fact]
    public void EpochZeroAndNoEpoch_AreTheSameVersion()
    {
        var diff = ImageDiff.Compare(System(string.Empty, P("a", "0:1-1")), System(string.Empty, P("a", "1-1")), []);
        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Scanner_UsesTheNewestInstalledVersionPerNameAndArch()
    {
        var advisory = new Advisory("A-1", "security", "Important", null, null, null, null, null, [], [new AdvisoryPackage("kernel", Evr.Parse("6.12.15-1"), "x86_64", null, false)]);
        var repo = new RepositoryAdvisories("r", [advisory]);
        Assert.Empty(AdvisoryScanner.Scan([P("kernel", "6.12.12-1"), P("kernel", "6.12.18-1")], [repo]));
        var finding = Assert.Single(AdvisoryScanner.Scan([P("kernel", "6.12.12-1")], [repo, repo]));
        Assert.Equal("6.12.12-1", finding.Installed.Evr.ToString());
        Assert.True(AdvisoryScanner.AnyAtOrAbove([finding], AdvisorySeverity.Important));
        Assert.False(AdvisoryScanner.AnyAtOrAbove([finding], AdvisorySeverity.Critical));
    }

    [Theory]
    [InlineData("Critical", AdvisorySeverity.Critical)]
    [InlineData("important", AdvisorySeverity.Important)]
    [InlineData("Medium", AdvisorySeverity.Moderate)]
    [InlineData("None", AdvisorySeverity.None)]
    [InlineData(null, AdvisorySeverity.None)]
    public void Severities_AreReadCaseInsensitively(string? text, AdvisorySeverity expected) =>
        Assert.Equal(expected, AdvisorySeverities.FromText(text));

    [Fact]
    public void LineDiff_ShowsChangedLinesWithContext()
    {
        var lines = LineDiff.Compare("a\nb\nc\nd\ne\nf\n", "a\nb\nc\nD\ne\nf\ng\n", context: 1);
        Assert.Equal([" c", "-d", "+D", " e", " f", "+g"], lines.Select(l => l.ToString()));
        Assert.Empty(LineDiff.Compare("same\n", "same"));
    }
}
