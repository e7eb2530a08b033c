namespace Keel.ImageManifest;

/// <summary>What an image was built from (<c>/usr/lib/keel/image.json</c>): written by keel build and keel install.</summary>
/// <remarks>
/// The document is the unit of trust for a certified image: its detached OpenPGP signature
/// (<see cref="ImageManifestPaths.SignatureRelative"/>) covers the exact bytes of the JSON file, so it is verified before
/// it is parsed and it is never re-serialised for verification.
/// </remarks>
public sealed record ImageManifestDocument
{
    /// <summary>The only schema this version writes and reads.</summary>
    public const string CurrentApiVersion = "keel.image/v1";

    public string ApiVersion { get; init; } = CurrentApiVersion;

    /// <summary>"sha256:" and the hex digest of the keel/v1 config the image was made from, as ConfigWriter writes it.</summary>
    public required string ConfigDigest { get; init; }

    /// <summary>The distribution: os-release ID and VERSION_ID of the result, e.g. "azurelinux 4.0".</summary>
    public required string Distribution { get; init; }

    /// <summary>The preset the config named (minimal, container-host, developer), or null for none.</summary>
    public string? Preset { get; init; }

    /// <summary>UTC; SOURCE_DATE_EPOCH when the build was reproducible.</summary>
    public required DateTimeOffset BuildTime { get; init; }

    /// <summary>The config's seed (reproducible UUIDs), or null.</summary>
    public string? Seed { get; init; }

    /// <summary>The keel version that wrote the manifest.</summary>
    public string? KeelVersion { get; init; }

    /// <summary>The repositories packages came from, with the repomd revision that was read.</summary>
    public required IReadOnlyList<ManifestRepository> Repositories { get; init; }

    /// <summary>Every installed package (gpg-pubkey entries excluded), ordered by name, then arch.</summary>
    public required IReadOnlyList<ManifestPackage> Packages { get; init; }

    /// <summary>
    /// The config the image was made from, with every secret (password, hash, passphrase, private key) replaced by
    /// "&lt;redacted&gt;": the manifest is world-readable inside the machine. <c>keel diff</c> compares it.
    /// </summary>
    public string? Config { get; init; }
}

/// <summary>One installed package as the manifest records it.</summary>
/// <param name="HeaderSha256">
/// RPMTAG_SHA256HEADER: the SHA-256 of the package's immutable header, kept in the rpmdb too
/// (<c>rpm -q --qf '%{SHA256HEADER}'</c>), so an installed package is matched to the manifest offline.
/// </param>
/// <param name="Repository">The id of the repository it was taken from, or null when unknown.</param>
public sealed record ManifestPackage(string Name, int? Epoch, string Version, string Release, string Arch, string HeaderSha256, string? Repository)
{
    /// <summary>name-[epoch:]version-release.arch, as rpm -q prints it (epoch only when set and non-zero).</summary>
    public string Nevra => Epoch is > 0 ? $"{Name}-{Epoch}:{Version}-{Release}.{Arch}" : $"{Name}-{Version}-{Release}.{Arch}";
}

/// <summary>A repository as the manifest records it.</summary>
/// <param name="Revision">repomd.xml's &lt;revision&gt; (or its timestamp when it has none).</param>
/// <param name="RepomdSha256">SHA-256 of the repomd.xml that was read, hex.</param>
public sealed record ManifestRepository(string Id, string? BaseUrl, string Revision, string RepomdSha256);

/// <summary>Where the manifest and its signature live inside a machine.</summary>
public static class ImageManifestPaths
{
    /// <summary>Relative to the machine's root.</summary>
    public const string ManifestRelative = "usr/lib/keel/image.json";

    /// <summary>The detached, ASCII-armored OpenPGP signature over the manifest's bytes.</summary>
    public const string SignatureRelative = "usr/lib/keel/image.json.asc";
}
