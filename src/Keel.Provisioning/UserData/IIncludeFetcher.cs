using System.Net;
using System.Net.Sockets;
using Keel.Errors;
using Keel.TargetSystem;

namespace Keel.Provisioning.UserData;

/// <summary>Fetches what an #include part names.</summary>
public interface IIncludeFetcher
{
    /// <summary>
    /// Returns the content at <paramref name="url"/>; throws IOException, InvalidDataException, NotSupportedException,
    /// TimeoutException or a KeelException (refused, too large, unreachable) naming the URL on failure.
    /// </summary>
    byte[] Fetch(string url);
}

/// <summary>
/// The fetcher keel-agent uses: file:// URLs and plain paths, read inside the target root, and http:// only to loopback
/// addresses, for the first URL and every redirect hop. Anything else is refused — first boot must not depend on, or leak
/// to, arbitrary network hosts named by user data, and provisioning an image must not copy the build host's files into it.
/// </summary>
public sealed class LocalIncludeFetcher : IIncludeFetcher
{
    /// <summary>Largest include accepted, enforced while reading.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>Most redirects followed for one include.</summary>
    public const int MaxRedirects = 5;

    private readonly TargetRoot _root;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a fetcher for the running system (file:// read from "/") with the given timeout per include.</summary>
    public LocalIncludeFetcher(TimeSpan? timeout = null)
        : this(new TargetRoot("/"), timeout)
    {
    }

    /// <summary>Creates a fetcher reading file:// URLs inside <paramref name="root"/>, with the given timeout per include.</summary>
    public LocalIncludeFetcher(TargetRoot root, TimeSpan? timeout = null)
    {
        _root = root;
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <inheritdoc />
    public byte[] Fetch(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new InvalidDataException($"#include {url}: not an absolute URL");
        }

        if (uri.IsFile)
        {
            return ReadFile(url, uri);
        }

        CheckAddress(url, uri, redirectedBy: null);
        return FetchHttp(url, uri);
    }

    private byte[] ReadFile(string url, Uri uri)
    {
        if (!string.IsNullOrEmpty(uri.Host))
        {
            throw new NotSupportedException($"#include {url}: file:// URLs with a host name are not read");
        }

        // The path names a file of the machine being provisioned: resolve it as that machine would (links and ".."
        // stay inside the root), never on the host running the agent.
        var inRoot = _root.IsHostRoot ? "" : $" inside the target root {_root.RootPath}";
        string hostPath;
        try
        {
            hostPath = _root.Resolve(uri.LocalPath);
        }
        catch (IOException ex)
        {
            throw new Keel.Errors.UnsafePathException(url, $"#include {url}: {ex.Message}", ex);
        }

        try
        {
            return BoundedRead.ReadFile(hostPath, MaxBytes, $"#include {url}");
        }
        catch (FileNotFoundException ex)
        {
            throw new FileNotFoundException($"#include {url}: no such file{inRoot}", hostPath, ex);
        }
    }

    private byte[] FetchHttp(string url, Uri uri)
    {
        // Redirects are followed here, not by the handler, so that every hop meets the same address rules; no proxy,
        // since the rules are about where the request goes.
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, ConnectTimeout = _timeout };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = new CancellationTokenSource(_timeout);
        var current = uri;
        for (var redirects = 0; ; redirects++)
        {
            var hop = current == uri ? "" : $"{current}: ";
            try
            {
                using var response = client.GetAsync(current, HttpCompletionOption.ResponseHeadersRead, deadline.Token).GetAwaiter().GetResult();
                var code = (int)response.StatusCode;
                if (code is 301 or 302 or 303 or 307 or 308)
                {
                    var next = Location(url, hop, code, current, response);
                    if (redirects == MaxRedirects)
                    {
                        throw new LimitExceededException(url, $"#include {url}: more than {MaxRedirects} redirects (the last to {next}); refused");
                    }

                    CheckAddress(url, next, hop);
                    current = next;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new SourceUnreachableException(url, $"#include {url}: {hop}HTTP {code}");
                }

                if (response.Content.Headers.ContentLength is long length and > MaxBytes)
                {
                    throw new LimitExceededException(url, $"#include {url}: {hop}more than {MaxBytes} bytes (Content-Length {length}); refused");
                }

                using var body = response.Content.ReadAsStream(deadline.Token);
                return BoundedRead.ReadAll(body, MaxBytes, $"#include {url}", deadline.Token);
            }
            catch (OperationCanceledException ex) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"#include {url}: {hop}no complete answer within {_timeout.TotalSeconds:0.###} s", ex);
            }
            catch (HttpRequestException ex)
            {
                throw new SourceUnreachableException(url, $"#include {url}: {hop}{Describe(ex)}", inner: ex);
            }
        }
    }

    private static Uri Location(string url, string hop, int code, Uri current, HttpResponseMessage response)
    {
        // The raw header, resolved against the hop that sent it; HttpClient's own parsing would hide a bad value.
        var raw = response.Headers.TryGetValues("Location", out var values) ? values.FirstOrDefault() : null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new SourceUnreachableException(url, $"#include {url}: {hop}HTTP {code} without a Location");
        }

        return Uri.TryCreate(current, raw.Trim(), out var next)
            ? next
            : throw new UnsupportedInputException(url, $"#include {url}: {hop}redirect to '{raw.Trim()}', which is not a URL; refused");
    }

    /// <summary>
    /// The address rules, for the first URL and every redirect hop: http:// to a loopback address only.
    /// <paramref name="redirectedBy"/> is null for the first URL, else the "HOP: " prefix naming the hop that redirected ("" for the first).
    /// </summary>
    private static void CheckAddress(string url, Uri target, string? redirectedBy)
    {
        if (target.Scheme == Uri.UriSchemeHttp && IsLoopback(target))
        {
            return;
        }

        throw redirectedBy is null
            ? new NotSupportedException($"#include {url}: only file:// and http:// to loopback are fetched")
            : new UnsupportedInputException(url, $"#include {url}: {redirectedBy}redirect to {target} refused: only http:// to loopback addresses is fetched");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>A readable reason for a failed request, from its error kinds rather than its (possibly resource-key) message.</summary>
    private static string Describe(HttpRequestException ex)
    {
        var what = ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => "cannot connect",
            HttpRequestError.NameResolutionError => "host name not resolved",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "the answer ended early",
            HttpRequestError.InvalidResponse => "not a valid HTTP answer",
            HttpRequestError.ConfigurationLimitExceeded => "the answer's headers are too large",
            _ => "request failed",
        };
        return ex.InnerException is SocketException socket ? $"{what} ({socket.SocketErrorCode})" : what;
    }
}
