using System.Net;
using System.Net.Http.Headers;

namespace Keel.Repository.Sources;

/// <summary>A repository behind an http:// or https:// base URL.</summary>
public sealed class HttpRepositorySource : IRepositorySource
{
    private readonly HttpClient _client;
    private readonly HttpOptions _options;
    private readonly Uri _base;

    public HttpRepositorySource(string baseUrl, HttpClient client, HttpOptions options)
    {
        Base = baseUrl;
        _base = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute);
        _client = client;
        _options = options;
    }

    public string Base { get; }

    public bool IsLocal => false;

    public string Describe(string relativePath) => Resolve(relativePath).ToString();

    public string LocalPath(string relativePath) => throw new InvalidOperationException($"{Base} is not a local repository");

    public async Task FetchAsync(string relativePath, string partPath, long maxBytes, IProgress<long>? bytesWritten, CancellationToken cancellationToken)
    {
        var url = Resolve(relativePath);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await FetchOnceAsync(url, partPath, maxBytes, bytesWritten, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < _options.MaxAttempts && IsTransient(ex, cancellationToken))
            {
                var delay = _options.RetryDelay * Math.Pow(2, attempt - 1);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Uri Resolve(string relativePath)
    {
        var uri = new Uri(_base, relativePath);
        if (!uri.ToString().StartsWith(_base.ToString(), StringComparison.Ordinal) && !relativePath.Contains("://", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Base}: location '{relativePath}' points outside the repository");
        }

        return uri;
    }

    private static bool IsTransient(Exception ex, CancellationToken caller) => ex switch
    {
        _ when caller.IsCancellationRequested => false,
        TransientHttpException => true,
        HttpRequestException { StatusCode: null } => true,
        TimeoutException => true,
        IOException and not FileNotFoundException => true,
        _ => false,
    };

    private async Task FetchOnceAsync(Uri url, string partPath, long maxBytes, IProgress<long>? bytesWritten, CancellationToken cancellationToken)
    {
        long have = File.Exists(partPath) ? new FileInfo(partPath).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{url}: no response within {_options.RequestTimeout.TotalSeconds:0} s");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new RepositoryFileNotFoundException(url.ToString());
            }

            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
            {
                // The part is as long as (or longer than) the file: start again rather than trust it.
                File.Delete(partPath);
                throw new TransientHttpException($"{url}: server refused to resume at byte {have}");
            }

            if ((int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                throw new TransientHttpException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent
                && response.Content.Headers.ContentRange is { From: { } from } && from == have;
            if (!append)
            {
                have = 0;
            }

            if (response.Content.Headers.ContentLength is { } length && have + length > maxBytes)
            {
                throw new InvalidDataException($"{url}: {have + length} bytes is more than the {maxBytes} expected");
            }

            await using var output = new FileStream(partPath, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[128 * 1024];
            long total = have;
            while (true)
            {
                int n;
                timeout.CancelAfter(_options.IdleTimeout);
                try
                {
                    n = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{url}: transfer stalled for {_options.IdleTimeout.TotalSeconds:0} s after {total} bytes");
                }
                catch (HttpIOException ex)
                {
                    throw new IOException($"{url}: connection lost after {total} bytes ({ex.Message.ReplaceLineEndings(" ")})", ex);
                }

                if (n == 0)
                {
                    break;
                }

                total += n;
                if (total > maxBytes)
                {
                    throw new InvalidDataException($"{url}: more than the {maxBytes} bytes expected");
                }

                await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                bytesWritten?.Report(total);
            }

            if (response.Content.Headers.ContentLength is { } expected && total - have != expected)
            {
                throw new IOException($"{url}: connection closed after {total - have} of {expected} bytes");
            }
        }
    }

    /// <summary>A failure worth retrying (5xx, 408, 429, refused resume).</summary>
    private sealed class TransientHttpException(string message) : IOException(message);
}
