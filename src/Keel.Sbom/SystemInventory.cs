using System.Globalization;
using Keel.ImageManifest;
using Keel.Packaging;
using Keel.Rpm;
using Keel.RpmDb;
using Keel.TargetSystem;

namespace Keel.Sbom;

/// <summary>
/// What a system's root holds, as an SBOM describes it: every rpmdb entry (exactly what <c>rpm -qa --root</c> lists,
/// gpg-pubkey entries included), each package's installed dependencies, os-release and the image manifest when present.
/// </summary>
public sealed record SystemInventory
{
    /// <summary>What was read, for messages ("root /srv/x").</summary>
    public required string Description { get; init; }

    /// <summary>Packages ordered by name, EVR, arch (the order of the SBOM).</summary>
    public required IReadOnlyList<InventoryPackage> Packages { get; init; }

    public OsRelease? OsRelease { get; init; }

    /// <summary>usr/lib/keel/image.json when the root has one (not signature-checked here).</summary>
    public ImageManifestDocument? Manifest { get; init; }

    /// <summary>The newest rpmdb install time, the fallback creation time that still depends on the root alone.</summary>
    public DateTimeOffset? NewestInstallTime { get; init; }

    /// <summary>Reads the root's rpmdb, os-release and manifest without following any link out of the root.</summary>
    public static SystemInventory Read(string root, string description)
    {
        ArgumentNullException.ThrowIfNull(root);
        var target = new TargetRoot(root);
        var database = OpenDatabase(target, description);
        var installed = database.Packages
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Metadata.Evr)
            .ThenBy(p => p.Metadata.Arch, StringComparer.Ordinal)
            .ThenBy(p => p.HeaderNumber)
            .ToArray();
        var dependsOn = DependencyResolver.Resolve(installed.Select(p => p.Metadata).ToArray());
        var packages = installed.Select((p, i) => FromHeader(p) with { DependsOn = dependsOn[i] }).ToArray();

        var osRelease = (target.ReadAllTextOrNull("/etc/os-release") ?? target.ReadAllTextOrNull("/usr/lib/os-release")) is { } text
            ? OsRelease.Parse(text)
            : null;
        var manifestBytes = target.ReadAllBytesOrNull("/" + ImageManifestPaths.ManifestRelative);
        var manifest = manifestBytes is null ? null : ImageManifestJson.Parse(manifestBytes, $"{description}: /{ImageManifestPaths.ManifestRelative}");
        return new SystemInventory
        {
            Description = description,
            Packages = packages,
            OsRelease = osRelease,
            Manifest = manifest,
            NewestInstallTime = installed.Max(p => p.InstallTime),
        };
    }

    // Each candidate file is resolved inside the root (a link is followed as the chrooted system would see it), so a
    // hostile root cannot point keel at a database, or any file, outside it.
    private static RpmDatabase OpenDatabase(TargetRoot target, string description)
    {
        foreach (var dir in new[] { "/usr/lib/sysimage/rpm", "/var/lib/rpm" })
        {
            foreach (var name in new[] { "rpmdb.sqlite", "Packages.db", "Packages" })
            {
                var hostPath = target.Resolve($"{dir}/{name}");
                if (File.Exists(hostPath))
                {
                    return RpmDatabase.Open(hostPath);
                }
            }
        }

        throw new FileNotFoundException($"{description}: no rpmdb in usr/lib/sysimage/rpm or var/lib/rpm");
    }

    private static InventoryPackage FromHeader(InstalledPackage installed)
    {
        var h = installed.Header;
        var m = installed.Metadata;
        return new InventoryPackage(
            m.Name,
            m.Evr,
            m.Arch,
            h.GetString(RpmTags.License),
            h.GetString(RpmTags.Vendor),
            h.GetString(RpmTags.Packager),
            h.GetString(RpmTags.Url),
            m.Summary,
            m.SourceRpm,
            HexTag(h, RpmSignatureTags.Sha256Header, 64),
            HexTag(h, RpmSignatureTags.Sha1Header, 40),
            string.Equals(m.Name, "gpg-pubkey", StringComparison.Ordinal));
    }

    // rpm copies the signature header's digests into the rpmdb header under the same tag numbers, as hex strings;
    // anything else is not trusted to be one.
    private static string? HexTag(RpmHeader header, int tag, int length) =>
        header.GetString(tag) is { } s && s.Length == length && s.All(char.IsAsciiHexDigit) ? s.ToLower(CultureInfo.InvariantCulture) : null;
}

/// <summary>Package identity helpers shared by the SBOM writers.</summary>
internal static class InventoryPackageExtensions
{
    /// <summary>"[E:]V-R", as SPDX versionInfo and CycloneDX version carry it.</summary>
    public static string VersionText(this InventoryPackage package) => package.Evr.ToString();
}
