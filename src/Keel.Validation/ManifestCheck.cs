using System.Text.Json;
using Keel.ImageManifest;
using Keel.OpenPgp;
using Keel.Rpm;
using Keel.RpmDb;

namespace Keel.Validation;

/// <summary>
/// The image manifest (usr/lib/keel/image.json) is signed by a trusted key, and the installed packages are exactly the
/// ones it lists (NEVRA and RPMTAG_SHA256HEADER). The signature is checked over the file's exact bytes before the
/// JSON is parsed; nothing is re-serialised.
/// </summary>
/// <remarks>
/// Verification and parsing are this file's own (Keel.OpenPgp over the exact bytes, a case-insensitive source-generated
/// reader) until the manifest helper's ImageManifestVerifier lands; then this should call it, so writer and reader share
/// one definition of the JSON and of what a good signature is.
/// </remarks>
internal static class ManifestCheck
{
    public const string SignatureId = "manifest.signature";
    public const string PackagesId = "manifest.packages";

    public static IEnumerable<ValidationResult> Run(ConfinedRoot root, TrustedKeys keys, IReadOnlyList<InstalledPackage>? installed, Action<ImageManifestDocument> found)
    {
        var bytes = root.ReadAllBytes(ImageManifestPaths.ManifestRelative, follow: false);
        if (bytes is null)
        {
            yield return new ValidationResult(SignatureId, ValidationStatus.Fail, "/" + ImageManifestPaths.ManifestRelative, "no image manifest (not built by keel, or removed)");
            yield break;
        }

        var signature = root.ReadAllBytes(ImageManifestPaths.SignatureRelative, follow: false);
        yield return SignatureLine(bytes, signature, keys);

        ImageManifestDocument? manifest = null;
        string? parseError = null;
        try
        {
            manifest = ImageManifestJson.Parse(bytes, "/" + ImageManifestPaths.ManifestRelative);
        }
        catch (InvalidDataException e)
        {
            parseError = e.Message;
        }

        if (manifest is null || manifest.ApiVersion != ImageManifestDocument.CurrentApiVersion)
        {
            yield return new ValidationResult(PackagesId, ValidationStatus.Fail, "/" + ImageManifestPaths.ManifestRelative,
                parseError ?? $"not a {ImageManifestDocument.CurrentApiVersion} manifest (apiVersion {manifest?.ApiVersion ?? "missing"})");
            yield break;
        }

        found(manifest);
        if (installed is null)
        {
            yield break;
        }

        foreach (var line in ComparePackages(manifest, installed))
        {
            yield return line;
        }
    }

    private static ValidationResult SignatureLine(byte[] manifest, byte[]? signature, TrustedKeys keys)
    {
        var subject = "/" + ImageManifestPaths.SignatureRelative;
        if (signature is null)
        {
            return new ValidationResult(SignatureId, ValidationStatus.Fail, subject, "the manifest is not signed (no image.json.asc)");
        }

        if (keys.Ring is null)
        {
            return new ValidationResult(SignatureId, ValidationStatus.Fail, subject, $"no trusted keys to check it against ({keys.Source})");
        }

        var check = keys.Ring.VerifyDetached(manifest, signature);
        return check.Status switch
        {
            SignatureStatus.Good => new ValidationResult(SignatureId, ValidationStatus.Pass, subject, $"good signature by key {check.KeyId} ({keys.Source})"),
            SignatureStatus.UnknownKey => new ValidationResult(SignatureId, ValidationStatus.Fail, subject, $"signed by key {check.KeyId ?? "?"}, which is not trusted ({keys.Source})"),
            SignatureStatus.Bad => new ValidationResult(SignatureId, ValidationStatus.Fail, subject, $"BAD signature by key {check.KeyId ?? "?"}: the manifest was changed after signing"),
            _ => new ValidationResult(SignatureId, ValidationStatus.Fail, subject, $"signature not checkable: {check.Detail}"),
        };
    }

    internal static IEnumerable<ValidationResult> ComparePackages(ImageManifestDocument manifest, IReadOnlyList<InstalledPackage> installed)
    {
        var expected = new Dictionary<string, ManifestPackage>(StringComparer.Ordinal);
        foreach (var p in manifest.Packages)
        {
            expected[$"{p.Name}.{p.Arch}"] = p;
        }

        var actual = new Dictionary<string, InstalledPackage>(StringComparer.Ordinal);
        foreach (var p in installed.Where(p => p.Metadata.Name != "gpg-pubkey"))
        {
            actual[$"{p.Metadata.Name}.{p.Metadata.Arch}"] = p;
        }

        var lines = new List<ValidationResult>();
        foreach (var (key, p) in actual.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!expected.TryGetValue(key, out var m))
            {
                lines.Add(new ValidationResult(PackagesId, ValidationStatus.Fail, p.Metadata.Nevra, "installed but not in the manifest (added)"));
                continue;
            }

            var nevra = Nevra(p);
            var sha = p.Header.GetString(RpmSignatureTags.Sha256Header);
            if (nevra != m.Nevra)
            {
                lines.Add(new ValidationResult(PackagesId, ValidationStatus.Fail, p.Metadata.Nevra, $"the manifest has {m.Nevra} (changed)"));
            }
            else if (!string.Equals(sha, m.HeaderSha256, StringComparison.OrdinalIgnoreCase))
            {
                lines.Add(new ValidationResult(PackagesId, ValidationStatus.Fail, p.Metadata.Nevra, $"header SHA-256 {sha ?? "(none)"} differs from the manifest's {m.HeaderSha256} (a rebuilt package of the same version)"));
            }
        }

        foreach (var (key, m) in expected.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!actual.ContainsKey(key))
            {
                lines.Add(new ValidationResult(PackagesId, ValidationStatus.Fail, m.Nevra, "in the manifest but not installed (missing)"));
            }
        }

        if (lines.Count == 0)
        {
            lines.Add(new ValidationResult(PackagesId, ValidationStatus.Pass, string.Empty, $"the {actual.Count} installed packages are the manifest's (NEVRA and header SHA-256)"));
        }

        return lines;
    }

    private static string Nevra(InstalledPackage p)
    {
        var evr = p.Metadata.Evr;
        var epoch = evr.EpochNumber;
        return epoch > 0
            ? $"{p.Metadata.Name}-{epoch}:{evr.Version}-{evr.Release}.{p.Metadata.Arch}"
            : $"{p.Metadata.Name}-{evr.Version}-{evr.Release}.{p.Metadata.Arch}";
    }
}
