using Keel.Errors;
using Keel.OpenPgp;
using Keel.Repository.Definitions;

namespace Keel.Repository;

/// <summary>
/// Loads a repository's signing keys under Keel's trust-anchor rules: keys come from the definition only (the config,
/// the .repo file, the command line), over file or https; a key over plain http, or any key checked against pinned
/// fingerprints, must match a pin. Keel never picks up a key from the repository it verifies on its own accord.
/// </summary>
public static class RepositoryKeys
{
    /// <summary>How to give a repository a key, for messages that refuse one without it.</summary>
    public const string Hint =
        "give a key from outside the mirror: a local file or https:// URL in the config's 'gpgkeys' or the .repo file's gpgkey, " +
        "or --repo-key FILE; or accept a key by its fingerprint with --repo-key-fingerprint FPR (config: 'gpgkeyFingerprints'); " +
        "'gpgcheck: false' or --nogpgcheck turns the check off and leaves packages unverified";

    private const long MaxKeyBytes = 1024 * 1024;

    /// <summary>
    /// The combined keyring of <paramref name="definition"/>'s keys, null when it has none. Throws
    /// <see cref="SignatureException"/> for a plain-http key without a pin and for a key that matches no pin.
    /// </summary>
    public static async Task<OpenPgpKeyRing?> LoadAsync(RepositoryDefinition definition, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(http);
        if (definition.GpgKeys.Count == 0)
        {
            return null;
        }

        var pins = definition.GpgKeyFingerprints;
        var rings = new List<OpenPgpKeyRing>();
        foreach (var key in definition.GpgKeys)
        {
            if (IsHttp(key) && pins.Count == 0)
            {
                throw new SignatureException(
                    key,
                    $"{key}: repository '{definition.Id}': a key fetched over plain http is not trusted (anyone on the path could replace it)",
                    "use https or a local copy of the key, or pin its fingerprint (--repo-key-fingerprint FPR, config 'gpgkeyFingerprints')");
            }

            var bytes = await ReadKeyAsync(key, http, cancellationToken).ConfigureAwait(false);
            var ring = OpenPgpKeyRing.Parse(bytes, key);
            if (pins.Count > 0)
            {
                ring = ring.Pinned(pins) ?? throw new SignatureException(
                    key,
                    $"{key}: repository '{definition.Id}': key {string.Join(", ", ring.PrimaryFingerprints)} is not the pinned {string.Join(" or ", pins.Select(OpenPgpKeyRing.NormalizeFingerprint))}",
                    "check where the key came from; pin the fingerprint the vendor publishes");
            }

            rings.Add(ring);
        }

        return OpenPgpKeyRing.Combine(rings);
    }

    /// <summary>Reads a key from a path, a file:// URL or an http(s) URL, at most 1 MiB.</summary>
    public static async Task<byte[]> ReadKeyAsync(string location, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(http);
        if (IsHttp(location) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            using var response = await http.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{location}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            if (response.Content.Headers.ContentLength > MaxKeyBytes)
            {
                throw new InvalidDataException($"{location}: larger than {MaxKeyBytes} bytes; not a public key");
            }

            var data = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return data.Length > MaxKeyBytes ? throw new InvalidDataException($"{location}: larger than {MaxKeyBytes} bytes; not a public key") : data;
        }

        if (location.Contains("://", StringComparison.Ordinal) && !location.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"{location}: unsupported key URL scheme (use a path, file:// or https://)");
        }

        var path = location.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(location).LocalPath : location;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{location}: key file not found", path);
        }

        if (new FileInfo(path).Length > MaxKeyBytes)
        {
            throw new InvalidDataException($"{path}: larger than {MaxKeyBytes} bytes; not a public key");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsHttp(string location) => location.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
}
