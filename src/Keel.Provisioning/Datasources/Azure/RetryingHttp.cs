using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Keel.Provisioning.Datasources.Azure;

/// <summary>An answer: status, body and how many attempts it took.</summary>
public sealed record HttpAnswer(int Status, string Body, int Attempts);

/// <summary>
/// HTTP with exponential backoff on timeouts, connection failures and the retryable statuses, bounded per attempt and
/// in total. When the bound is reached it throws <see cref="TimeoutException"/> naming the URL; only the caller's own
/// token produces an <see cref="OperationCanceledException"/>, so a hung endpoint never looks like an interruption.
/// </summary>
public sealed class RetryingHttp : IDisposable
{
    /// <summary>Largest response body read (IMDS documents are a few KiB; custom data is at most 64 KiB base64).</summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    // An attempt with less time than this left could not get an answer anyway.
    private static readonly TimeSpan MinimumAttempt = TimeSpan.FromMilliseconds(10);

    private readonly HttpClient _client;
    private readonly RetryPolicy _policy;

    /// <summary>Creates a client; proxies are never used (the endpoints are link-local).</summary>
    public RetryingHttp(RetryPolicy policy)
    {
        _policy = policy;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = policy.AttemptTimeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>How many requests were sent in total (for logs and tests).</summary>
    public int RequestsSent { get; private set; }

    /// <summary>
    /// Sends the request <paramref name="build"/> makes until it succeeds (2xx), fails with a status not in
    /// <paramref name="retryable"/> (HttpRequestException with that status), or the total time runs out (TimeoutException).
    /// </summary>
    public async Task<HttpAnswer> SendAsync(Func<HttpRequestMessage> build, IReadOnlySet<int> retryable, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var delay = _policy.InitialDelay;
        var attempts = 0;
        string url = "?";
        string last = "no attempt";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = _policy.TotalTimeout - clock.Elapsed;
            if (remaining < MinimumAttempt)
            {
                throw GaveUp(url, attempts, clock.Elapsed, last);
            }

            var attemptTimeout = remaining < _policy.AttemptTimeout ? remaining : _policy.AttemptTimeout;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptCts.CancelAfter(attemptTimeout);
            attempts++;
            try
            {
                using var request = build();
                url = request.RequestUri?.ToString() ?? url;
                RequestsSent++;
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                var body = await ReadBoundedAsync(response, url, attemptCts.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    return new HttpAnswer(status, body, attempts);
                }

                if (!retryable.Contains(status))
                {
                    throw new HttpRequestException($"{url}: HTTP {status} {response.ReasonPhrase}".TrimEnd(), null, response.StatusCode);
                }

                last = $"HTTP {status}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = $"no answer within {Seconds(attemptTimeout)} s";
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null)
            {
                last = ex.Message;
            }
            catch (IOException ex)
            {
                last = ex.Message;
            }

            var wait = _policy.TotalTimeout - clock.Elapsed;
            if (wait < MinimumAttempt)
            {
                throw GaveUp(url, attempts, clock.Elapsed, last);
            }

            await Task.Delay(delay < wait ? delay : wait, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < _policy.MaxDelay ? delay * 2 : _policy.MaxDelay;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private TimeoutException GaveUp(string url, int attempts, TimeSpan elapsed, string last) =>
        new($"{url}: timed out: no success after {attempts} attempt{(attempts == 1 ? "" : "s")} in {Seconds(elapsed)} s (limit {Seconds(_policy.TotalTimeout)} s); last: {last}");

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, string url, CancellationToken token)
    {
        if (response.Content.Headers.ContentLength is > MaxResponseBytes)
        {
            throw new InvalidDataException($"{url}: response of {response.Content.Headers.ContentLength} bytes exceeds the limit of {MaxResponseBytes}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxResponseBytes)
            {
                throw new InvalidDataException($"{url}: response exceeds the limit of {MaxResponseBytes} bytes");
            }

            buffer.Write(chunk, 0, n);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>The statuses each Azure endpoint is retried on.</summary>
public static class RetryableStatus
{
    /// <summary>IMDS: as azure-init, also 404/410 (IMDS answers them while the VM is still being set up) and 408.</summary>
    public static IReadOnlySet<int> Imds { get; } = new HashSet<int> { 404, 408, 410, 429, 500, 502, 503, 504 };

    /// <summary>Wireserver: throttling, timeouts and server errors.</summary>
    public static IReadOnlySet<int> Wireserver { get; } = new HashSet<int> { 408, 429, 500, 502, 503, 504 };

    /// <summary>Whether <paramref name="code"/> means the endpoint does not exist on this host.</summary>
    public static bool IsUnknownEndpoint(HttpStatusCode? code) => code is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed;
}
