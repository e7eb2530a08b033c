using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Keel.Provisioning.Tests.Azure;

/// <summary>One scripted answer; a fixture's delay in seconds is scaled to <see cref="AzureEmulator.SecondScale"/> to keep tests fast.</summary>
internal sealed record Scripted(int Status, string Body, TimeSpan Delay = default, bool Hang = false, string ContentType = "application/json");

/// <summary>A request the emulator saw.</summary>
internal sealed record SeenRequest(string Route, string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// Azure IMDS and wireserver on a free loopback port, answering from per-route scripts (the last entry repeats).
/// IMDS refuses requests without the "Metadata: true" header with 400, as Azure does.
/// </summary>
internal sealed class AzureEmulator : IDisposable
{
    public static readonly TimeSpan SecondScale = TimeSpan.FromMilliseconds(10);

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Scripted>> _scripts = [];
    private readonly List<SeenRequest> _requests = [];

    public AzureEmulator()
    {
        // Other test classes block pool threads on processes; without spare threads the emulator's answers (and the
        // client's timers) queue behind them on a 2-core machine and the timing assertions would measure starvation.
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < 32)
        {
            ThreadPool.SetMinThreads(32, Math.Max(io, 32));
        }

        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public IReadOnlyList<SeenRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public int Count(string route) => Requests.Count(r => r.Route == route);

    public void Script(string route, params Scripted[] answers)
    {
        lock (_lock)
        {
            _scripts[route] = [.. answers];
        }
    }

    /// <summary>azure-init's IMDS fixture: {"responses": [{status_code, response, delay?}]}.</summary>
    public static Scripted[] ImdsFixture(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("responses").EnumerateArray().Select(r => new Scripted(
            r.GetProperty("status_code").GetInt32(),
            r.GetProperty("response").GetRawText(),
            r.TryGetProperty("delay", out var d) ? SecondScale * d.GetDouble() : TimeSpan.Zero)).ToArray();
    }

    /// <summary>azure-init's wireserver fixture: &lt;responses&gt;&lt;response&gt;status_code, response_body, delay?; an empty body is replaced by <paramref name="emptyBody"/>.</summary>
    public static Scripted[] WireserverFixture(string path, string emptyBody = "")
    {
        var doc = XDocument.Load(path);
        return doc.Root!.Elements("response").Select(r => new Scripted(
            int.Parse(r.Element("status_code")!.Value, System.Globalization.CultureInfo.InvariantCulture),
            r.Element("response_body")?.Value is { Length: > 0 } body ? body : emptyBody,
            r.Element("delay") is { } d ? SecondScale * double.Parse(d.Value, System.Globalization.CultureInfo.InvariantCulture) : TimeSpan.Zero,
            ContentType: "text/xml")).ToArray();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }

    private static string RouteOf(HttpListenerRequest r) => (r.HttpMethod, r.Url!.AbsolutePath, r.Url.Query) switch
    {
        ("GET", "/metadata/instance", _) => "imds",
        ("GET", "/machine/", "?comp=goalstate") => "goalstate",
        ("POST", "/machine", "?comp=health") => "health-xml",
        ("POST", "/provisioning/health", _) => "health-json",
        _ => "unknown",
    };

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var route = RouteOf(request);
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!.ToLowerInvariant(), k => request.Headers[k]!);
        Scripted answer;
        lock (_lock)
        {
            _requests.Add(new SeenRequest(route, request.HttpMethod, request.Url!.PathAndQuery, headers, body));
            if (route == "imds" && request.Headers["Metadata"] != "true")
            {
                answer = new Scripted(400, """{"error": "Bad request. Required metadata header not specified"}""");
            }
            else if (_scripts.TryGetValue(route, out var script) && script.Count > 0)
            {
                answer = script[0];
                if (script.Count > 1)
                {
                    script.RemoveAt(0);
                }
            }
            else
            {
                answer = new Scripted(404, "");
            }
        }

        try
        {
            if (answer.Hang)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, _stop.Token);
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
