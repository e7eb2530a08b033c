using Keel.Packaging;

namespace Keel.Sbom;

/// <summary>One package of an inventoried system, with what an SBOM says about it.</summary>
/// <param name="HeaderSha256">RPMTAG_SHA256HEADER (hex), or null when the rpmdb entry has none (gpg-pubkey).</param>
/// <param name="HeaderSha1">RPMTAG_SHA1HEADER (hex), or null.</param>
/// <param name="IsPublicKey">A gpg-pubkey entry: an OpenPGP key imported into the rpmdb, not software.</param>
public sealed record InventoryPackage(
    string Name,
    Evr Evr,
    string Arch,
    string? License,
    string? Vendor,
    string? Packager,
    string? Url,
    string? Summary,
    string? SourceRpm,
    string? HeaderSha256,
    string? HeaderSha1,
    bool IsPublicKey)
{
    /// <summary>NAME-[EPOCH:]VERSION-RELEASE.ARCH as rpm -qa prints it (gpg-pubkey has no arch: NAME-VERSION-RELEASE).</summary>
    public string Nevra => Arch == "(none)" ? $"{Name}-{Evr}" : $"{Name}-{Evr}.{Arch}";

    /// <summary>Indices into the inventory's package list of the installed packages this one requires, ascending.</summary>
    public IReadOnlyList<int> DependsOn { get; init; } = [];
}
