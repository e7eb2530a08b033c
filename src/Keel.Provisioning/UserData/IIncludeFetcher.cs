using System.Net;

namespace Keel.Provisioning.UserData;

/// <summary>Fetches what an #include part names.</summary>
public interface IIncludeFetcher
{
    /// <summary>Returns the content at <paramref name="url"/>; throws IOException/InvalidDataException naming the URL on failure.</summary>
    byte[] Fetch(string url);
}

/// <summary>
/// The fetcher keel-agent uses: file:// URLs and plain paths, and http:// only to loopback addresses. Anything else is
/// refused — first boot must not depend on, or leak to, arbitrary network hosts named by user data.
/// </summary>
public sealed class LocalIncludeFetcher : IIncludeFetcher
{
    /// <summary>Largest include accepted.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private readonly TimeSpan _timeout;

    /// <summary>Creates a fetcher with the given HTTP timeout.</summary>
    public LocalIncludeFetcher(TimeSpan? timeout = null) => _timeout = timeout ?? TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public byte[] Fetch(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new InvalidDataException($"#include {url}: not an absolute URL");
        }

        if (uri.IsFile)
        {
            var info = new FileInfo(uri.LocalPath);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"#include {url}: no such file", uri.LocalPath);
            }

            if (info.Length > MaxBytes)
            {
                throw new InvalidDataException($"#include {url}: {info.Length} bytes exceeds the limit of {MaxBytes}");
            }

            return File.ReadAllBytes(uri.LocalPath);
        }

        if (uri.Scheme != Uri.UriSchemeHttp || !IsLoopback(uri))
        {
            throw new NotSupportedException($"#include {url}: only file:// and http:// to loopback are fetched");
        }

        using var client = new HttpClient { Timeout = _timeout, MaxResponseContentBufferSize = MaxBytes };
        using var response = client.GetAsync(uri).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"#include {url}: HTTP {(int)response.StatusCode}");
        }

        return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
