using System.Globalization;
using Keel.ImageManifest;
using Keel.Packaging;
using Keel.Sbom;

namespace Keel.Advisories;

/// <summary>
/// One side of a diff or the subject of a scan: a system's packages (gpg-pubkey entries left out, as the manifest leaves
/// them out) and the redacted config text of its manifest when there is one.
/// </summary>
public sealed record SystemSnapshot(string Description, IReadOnlyList<SystemPackage> Packages, string? Config)
{
    /// <summary>The packages of an inventoried root and the config of its manifest, if it has one.</summary>
    public static SystemSnapshot FromInventory(SystemInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var packages = inventory.Packages
            .Where(p => !p.IsPublicKey)
            .Select(p => new SystemPackage(p.Name, Normalize(p.Evr), p.Arch))
            .ToArray();
        return new SystemSnapshot(inventory.Description, packages, inventory.Manifest?.Config);
    }

    /// <summary>The package set and config a manifest records.</summary>
    public static SystemSnapshot FromManifest(ImageManifestDocument manifest, string description)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var packages = manifest.Packages
            .Select(p => new SystemPackage(p.Name, Normalize(new Evr(p.Epoch?.ToString(CultureInfo.InvariantCulture), p.Version, p.Release)), p.Arch))
            .ToArray();
        return new SystemSnapshot(description, packages, manifest.Config);
    }

    // rpm orders a missing epoch and epoch 0 alike; one spelling keeps set comparisons honest.
    private static Evr Normalize(Evr evr) => evr.EpochNumber == 0 && evr.Epoch is not null ? evr with { Epoch = null } : evr;
}
