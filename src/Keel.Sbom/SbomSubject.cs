using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Keel.Sbom;

/// <summary>
/// The described component of an SBOM (the image itself) and the document's deterministic identity: its creation time
/// and a digest of everything listed, from which the SPDX namespace and the CycloneDX serial number are derived.
/// </summary>
public sealed record SbomSubject
{
    /// <summary>e.g. "azurelinux-4.0-container-host": the distribution, its version and the preset when known.</summary>
    public required string Name { get; init; }

    /// <summary>The distribution's VERSION_ID, or null.</summary>
    public string? Version { get; init; }

    /// <summary>The lowercase os-release ID (the purl namespace), or null.</summary>
    public string? DistroId { get; init; }

    public string? DistroVersion { get; init; }

    /// <summary>UTC, whole seconds.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>SHA-256 (hex) over the subject's name and every package's NEVRA and header digest.</summary>
    public required string ContentDigest { get; init; }

    /// <summary>The keel that writes the document.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>Name/value facts about the image from its manifest (config digest, preset, seed ...), in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Properties { get; init; } = [];

    /// <summary>
    /// Builds the subject. The creation time is, in this order: <paramref name="sourceDateEpoch"/> (SOURCE_DATE_EPOCH,
    /// when set), the manifest's build time, the newest rpmdb install time; so the same root gives the same document.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="sourceDateEpoch"/> is not a number of seconds.</exception>
    public static SbomSubject From(SystemInventory inventory, string? sourceDateEpoch)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var manifest = inventory.Manifest;
        var os = inventory.OsRelease;
        var distroParts = manifest?.Distribution.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) ?? [];
        var distroId = os?.Id ?? distroParts.ElementAtOrDefault(0);
        var distroVersion = os?.VersionId ?? distroParts.ElementAtOrDefault(1);
        var nameParts = new[] { distroId ?? "system", distroVersion, manifest?.Preset }.Where(p => !string.IsNullOrEmpty(p));
        var name = string.Join('-', nameParts);

        DateTimeOffset created;
        if (!string.IsNullOrEmpty(sourceDateEpoch))
        {
            created = long.TryParse(sourceDateEpoch, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new FormatException($"SOURCE_DATE_EPOCH '{sourceDateEpoch}' is not a number of seconds since 1970");
        }
        else
        {
            created = manifest?.BuildTime ?? inventory.NewestInstallTime ?? DateTimeOffset.UnixEpoch;
        }

        created = DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds());

        var digestInput = new StringBuilder(name).Append('\n');
        foreach (var p in inventory.Packages)
        {
            digestInput.Append(p.Nevra).Append(' ').Append(p.HeaderSha256 ?? p.HeaderSha1 ?? "-").Append('\n');
        }

        var properties = new List<KeyValuePair<string, string>>();
        if (manifest is not null)
        {
            Add("keel:image:distribution", manifest.Distribution);
            Add("keel:image:preset", manifest.Preset);
            Add("keel:image:configDigest", manifest.ConfigDigest);
            Add("keel:image:buildTime", manifest.BuildTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Add("keel:image:seed", manifest.Seed);
            Add("keel:image:keelVersion", manifest.KeelVersion);
            foreach (var r in manifest.Repositories.OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                Add("keel:image:repository", $"{r.Id} revision {r.Revision} repomd sha256:{r.RepomdSha256}");
            }
        }

        return new SbomSubject
        {
            Name = name,
            Version = distroVersion,
            DistroId = distroId?.ToLowerInvariant(),
            DistroVersion = distroVersion,
            Created = created,
            ContentDigest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(digestInput.ToString()))),
            ToolVersion = ToolVersionOf(typeof(SbomSubject).Assembly),
            Properties = properties,
        };

        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                properties.Add(new(key, value));
            }
        }
    }

    /// <summary>The creation time as both formats write it: "YYYY-MM-DDThh:mm:ssZ".</summary>
    public string CreatedText => Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string ToolVersionOf(Assembly assembly)
    {
        var v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? v[..plus] : v;
    }
}
