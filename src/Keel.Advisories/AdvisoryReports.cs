using System.Text.Json.Serialization;
using Keel.Repository.Metadata;

namespace Keel.Advisories;

/// <summary>One finding as <c>keel scan --json</c> prints it.</summary>
public sealed record ScanReportEntry(
    string Advisory,
    string? Type,
    string? Severity,
    string? Title,
    IReadOnlyList<string> Cves,
    string Repository,
    string Package,
    string Arch,
    string Installed,
    string Fixed,
    string FixedNevra);

/// <summary><c>keel scan --json</c>: what was scanned and the findings.</summary>
public sealed record ScanReport(string System, int Packages, IReadOnlyList<ScanReportEntry> Advisories);

/// <summary>A package as the diff report names it.</summary>
public sealed record DiffReportPackage(string Name, string Arch, string Evr, string Nevra);

/// <summary>A version change as the diff report names it.</summary>
public sealed record DiffReportChange(string Name, string Arch, string Old, string New);

/// <summary>An advisory as the diff report names it.</summary>
public sealed record DiffReportAdvisory(string Id, string? Type, string? Severity, string? Title, IReadOnlyList<string> Cves);

/// <summary><c>keel diff --json</c>.</summary>
public sealed record DiffReport(
    string Old,
    string New,
    IReadOnlyList<DiffReportPackage> Added,
    IReadOnlyList<DiffReportPackage> Removed,
    IReadOnlyList<DiffReportChange> Upgraded,
    IReadOnlyList<DiffReportChange> Downgraded,
    IReadOnlyList<DiffReportAdvisory> AdvisoriesFixed,
    IReadOnlyList<DiffReportAdvisory> AdvisoriesIntroduced,
    IReadOnlyList<string>? ConfigChanges);

/// <summary>Turns scan and diff results into their report records and text.</summary>
public static class AdvisoryReports
{
    public static ScanReport ToReport(string system, int packageCount, IReadOnlyList<AdvisoryFinding> findings) =>
        new(system, packageCount, findings.Select(f => new ScanReportEntry(
            f.Advisory.Id, f.Advisory.Type, f.Advisory.Severity, f.Advisory.Title, f.Advisory.Cves, f.Repository,
            f.Installed.Name, f.Installed.Arch, f.Installed.Evr.ToString(), f.FixedEvr.ToString(), f.Fixed.Nevra)).ToArray());

    /// <summary>One line per finding: ADVISORY SEVERITY/TYPE PACKAGE.ARCH INSTALLED -> FIXED CVES.</summary>
    public static IEnumerable<string> ScanText(IReadOnlyList<AdvisoryFinding> findings)
    {
        foreach (var f in findings)
        {
            var label = f.Advisory.Severity is { Length: > 0 } s && !s.Equals("None", StringComparison.OrdinalIgnoreCase) ? $"{s}/{f.Advisory.Type}" : f.Advisory.Type ?? "unknown";
            var cves = f.Advisory.Cves.Count > 0 ? " " + string.Join(',', f.Advisory.Cves) : string.Empty;
            yield return $"{f.Advisory.Id} {label} {f.Installed.Name}.{f.Installed.Arch} {f.Installed.Evr} -> {f.FixedEvr}{cves}";
        }
    }

    public static DiffReport ToReport(string oldName, string newName, ImageDiffResult diff) => new(
        oldName,
        newName,
        diff.Added.Select(Package).ToArray(),
        diff.Removed.Select(Package).ToArray(),
        diff.Upgraded.Select(Change).ToArray(),
        diff.Downgraded.Select(Change).ToArray(),
        diff.AdvisoriesFixed.Select(AdvisoryOf).ToArray(),
        diff.AdvisoriesIntroduced.Select(AdvisoryOf).ToArray(),
        diff.ConfigChanges?.Select(l => l.ToString()).ToArray());

    /// <summary>The diff as text: one section per kind of change, empty sections left out.</summary>
    public static IEnumerable<string> DiffText(ImageDiffResult diff)
    {
        foreach (var p in diff.Upgraded)
        {
            yield return $"upgraded   {p.Name}.{p.Arch} {p.OldEvr} -> {p.NewEvr}";
        }

        foreach (var p in diff.Downgraded)
        {
            yield return $"downgraded {p.Name}.{p.Arch} {p.OldEvr} -> {p.NewEvr}";
        }

        foreach (var p in diff.Added)
        {
            yield return $"added      {p.Nevra}";
        }

        foreach (var p in diff.Removed)
        {
            yield return $"removed    {p.Nevra}";
        }

        foreach (var a in diff.AdvisoriesFixed)
        {
            yield return $"fixed      {a.Id} {a.Severity ?? a.Type} {string.Join(',', a.Cves)}".TrimEnd();
        }

        foreach (var a in diff.AdvisoriesIntroduced)
        {
            yield return $"introduced {a.Id} {a.Severity ?? a.Type} {string.Join(',', a.Cves)}".TrimEnd();
        }

        if (diff.ConfigChanges is { Count: > 0 } lines)
        {
            yield return "config:";
            foreach (var l in lines)
            {
                yield return "  " + l;
            }
        }
    }

    private static DiffReportPackage Package(SystemPackage p) => new(p.Name, p.Arch, p.Evr.ToString(), p.Nevra);

    private static DiffReportChange Change(PackageChange c) => new(c.Name, c.Arch, c.OldEvr.ToString(), c.NewEvr.ToString());

    private static DiffReportAdvisory AdvisoryOf(Advisory a) => new(a.Id, a.Type, a.Severity, a.Title, a.Cves);
}

/// <summary>Source-generated (NativeAOT-safe) JSON for scan and diff reports.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScanReport))]
[JsonSerializable(typeof(DiffReport))]
public sealed partial class AdvisoriesJsonContext : JsonSerializerContext;
