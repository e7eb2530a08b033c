using System.Text;
using Keel.ImageManifest;
using Keel.Rpm;
using Keel.RpmDb;

namespace Keel.Validation;

/// <summary>
/// The release identity: os-release names the distribution (and the manifest's, when there is one), a release package
/// (the one providing system-release) is installed and owns os-release, and the login banner (/etc/issue, as the
/// release package shipped it) is in place.
/// </summary>
internal static class ReleaseIdentityCheck
{
    public const string OsReleaseId = "release.os-release";
    public const string PackageId = "release.package";
    public const string BannerId = "release.banner";
    private const string Banner = "/etc/issue";

    public static IEnumerable<ValidationResult> Run(ConfinedRoot root, IReadOnlyList<InstalledPackage>? installed, ImageManifestDocument? manifest)
    {
        var osRelease = root.ReadAllBytes("etc/os-release") ?? root.ReadAllBytes("usr/lib/os-release");
        if (osRelease is null)
        {
            yield return new ValidationResult(OsReleaseId, ValidationStatus.Fail, "/etc/os-release", "missing (neither /etc/os-release nor /usr/lib/os-release)");
        }
        else
        {
            var fields = ParseOsRelease(Encoding.UTF8.GetString(osRelease));
            var id = fields.GetValueOrDefault("ID");
            var version = fields.GetValueOrDefault("VERSION_ID");
            var pretty = fields.GetValueOrDefault("PRETTY_NAME") ?? $"{id} {version}";
            if (id is null || version is null)
            {
                yield return new ValidationResult(OsReleaseId, ValidationStatus.Fail, "/etc/os-release", "has no ID or VERSION_ID");
            }
            else if (manifest is not null && !string.Equals(manifest.Distribution, $"{id} {version}", StringComparison.Ordinal))
            {
                yield return new ValidationResult(OsReleaseId, ValidationStatus.Fail, "/etc/os-release", $"says {id} {version}, the manifest says {manifest.Distribution}");
            }
            else
            {
                yield return new ValidationResult(OsReleaseId, ValidationStatus.Pass, "/etc/os-release", $"{pretty} (ID={id}, VERSION_ID={version})");
            }
        }

        if (installed is null)
        {
            yield break;
        }

        var release = installed.FirstOrDefault(p => p.Header.GetStrings(RpmTags.ProvideName).Contains("system-release"));
        if (release is null)
        {
            yield return new ValidationResult(PackageId, ValidationStatus.Fail, "system-release", "no installed package provides system-release (the release package is missing)");
            yield break;
        }

        var releaseFiles = release.Header.GetFiles();
        bool ownsOsRelease = releaseFiles.Any(f => f.Path is "/usr/lib/os-release" or "/etc/os-release");
        yield return ownsOsRelease
            ? new ValidationResult(PackageId, ValidationStatus.Pass, release.Metadata.Nevra, "provides system-release and owns os-release")
            : new ValidationResult(PackageId, ValidationStatus.Fail, release.Metadata.Nevra, "provides system-release but does not own os-release");

        yield return BannerLine(root, release, releaseFiles);
    }

    private static ValidationResult BannerLine(ConfinedRoot root, InstalledPackage release, IReadOnlyList<RpmFileInfo> files)
    {
        var packaged = files.FirstOrDefault(f => f.Path == Banner);
        if (packaged is null)
        {
            return new ValidationResult(BannerId, ValidationStatus.Skip, Banner, $"{release.Metadata.Name} ships no login banner");
        }

        var bytes = root.ReadAllBytes(Banner, follow: false);
        if (bytes is null)
        {
            return new ValidationResult(BannerId, ValidationStatus.Fail, Banner, $"missing (shipped by {release.Metadata.Nevra})");
        }

        var first = Encoding.UTF8.GetString(bytes).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? string.Empty;
        bool unchanged = string.Equals(FileDigest.Of(bytes, release.Header.GetFileDigestAlgorithm()), packaged.Digest, StringComparison.OrdinalIgnoreCase);
        return unchanged
            ? new ValidationResult(BannerId, ValidationStatus.Pass, Banner, $"\"{first}\" (as {release.Metadata.Name} ships it)")
            : new ValidationResult(BannerId, ValidationStatus.Warn, Banner, $"changed from what {release.Metadata.Nevra} ships; it now begins \"{first}\"");
    }

    internal static Dictionary<string, string> ParseOsRelease(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            fields[line[..eq]] = value;
        }

        return fields;
    }
}
