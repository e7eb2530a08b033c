using Keel.Packaging;

namespace Keel.Repository.Metadata;

/// <summary>A reference from an advisory (a CVE, a bug, the advisory's own page).</summary>
public sealed record AdvisoryReference(string? Type, string? Id, string? Title, string? Href);

/// <summary>A package an advisory fixes, as updateinfo's pkglist names it.</summary>
public sealed record AdvisoryPackage(string Name, Evr Evr, string Arch, string? FileName, bool RebootSuggested)
{
    /// <summary>NAME-[EPOCH:]VERSION-RELEASE.ARCH.</summary>
    public string Nevra => $"{Name}-{Evr}.{Arch}";
}

/// <summary>One updateinfo.xml &lt;update&gt;: a security, bugfix or enhancement advisory.</summary>
public sealed record Advisory(
    string Id,
    string? Type,
    string? Severity,
    string? Title,
    string? Status,
    DateTimeOffset? Issued,
    DateTimeOffset? Updated,
    string? Description,
    IReadOnlyList<AdvisoryReference> References,
    IReadOnlyList<AdvisoryPackage> Packages)
{
    /// <summary>The CVE ids among the references (type "cve"; the id, or the title when only it holds the CVE name).</summary>
    public IReadOnlyList<string> Cves => References
        .Where(r => string.Equals(r.Type, "cve", StringComparison.OrdinalIgnoreCase))
        .Select(r => r.Id is { } id && id.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) ? id
            : r.Title is { } t && t.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) ? t : r.Id ?? r.Title ?? string.Empty)
        .Where(s => s.Length > 0)
        .Distinct(StringComparer.Ordinal)
        .ToArray();
}
