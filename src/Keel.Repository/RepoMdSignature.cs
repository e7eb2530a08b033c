using Keel.OpenPgp;
using Keel.Repository.Definitions;

namespace Keel.Repository;

/// <summary>Checks repomd.xml's detached signature against the repository's keys (repo_gpgcheck).</summary>
internal static class RepoMdSignature
{
    private const long MaxKeyBytes = 1024 * 1024;

    public static async Task VerifyAsync(RepositoryDefinition definition, byte[] repomd, byte[]? signature, string repomdLocation, HttpClient http, CancellationToken cancellationToken)
    {
        if (signature is null)
        {
            throw new InvalidDataException($"{repomdLocation}.asc: missing, but repository '{definition.Id}' has repo_gpgcheck on");
        }

        if (definition.GpgKeys.Count == 0)
        {
            throw new InvalidDataException($"repository '{definition.Id}': repo_gpgcheck is on but no gpgkey is configured");
        }

        var rings = new List<OpenPgpKeyRing>();
        foreach (var key in definition.GpgKeys)
        {
            var bytes = await ReadKeyAsync(key, http, cancellationToken).ConfigureAwait(false);
            rings.Add(OpenPgpKeyRing.Parse(bytes, key));
        }

        var check = OpenPgpKeyRing.Combine(rings).VerifyDetached(repomd, signature);
        if (!check.IsValid)
        {
            throw new InvalidDataException($"{repomdLocation}: signature check failed ({check.Status}{(check.KeyId is null ? string.Empty : ", key " + check.KeyId)}): {check.Detail}");
        }
    }

    /// <summary>Reads a key from a path, a file:// URL or an http(s) URL.</summary>
    public static async Task<byte[]> ReadKeyAsync(string location, HttpClient http, CancellationToken cancellationToken)
    {
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
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
}
