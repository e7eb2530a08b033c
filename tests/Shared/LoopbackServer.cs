using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Keel.Tests;

/// <summary>A tiny HTTP server on 127.0.0.1 serving a directory, with hooks to misbehave per request.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly Task _loop;

    public LoopbackServer(string root)
    {
        _root = root;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Every request as "METHOD /path [Range]".</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Decides per request: return true when it wrote the response itself.</summary>
    public Func<HttpListenerContext, string, bool>? Intercept { get; set; }

    /// <summary>When false, Range headers are ignored and whole files are sent with 200.</summary>
    public bool HonourRange { get; set; } = true;

    /// <summary>When set, files whose path contains it are cut off after half their bytes and the connection dropped.</summary>
    public string? DropMidFile { get; set; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Serve(ctx));
        }
    }

    private void Serve(HttpListenerContext ctx)
    {
        var path = Uri.UnescapeDataString(ctx.Request.Url!.AbsolutePath.TrimStart('/'));
        var range = ctx.Request.Headers["Range"];
        Log.Enqueue($"{ctx.Request.HttpMethod} /{path}{(range is null ? string.Empty : " " + range)}");
        try
        {
            if (Intercept?.Invoke(ctx, path) == true)
            {
                return;
            }

            var file = Path.Combine(_root, path);
            if (!File.Exists(file))
            {
                ctx.Response.StatusCode = 404;
                ctx.Response.Close();
                return;
            }

            var data = File.ReadAllBytes(file);
            long from = 0;
            if (HonourRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            {
                from = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                if (from >= data.Length)
                {
                    ctx.Response.StatusCode = 416;
                    ctx.Response.Close();
                    return;
                }

                ctx.Response.StatusCode = 206;
                ctx.Response.Headers["Content-Range"] = $"bytes {from}-{data.Length - 1}/{data.Length}";
            }

            var body = data.AsSpan((int)from).ToArray();
            ctx.Response.ContentLength64 = body.Length;
            if (DropMidFile is not null && path.Contains(DropMidFile, StringComparison.Ordinal))
            {
                ctx.Response.OutputStream.Write(body, 0, body.Length / 2);
                ctx.Response.OutputStream.Flush();
                ctx.Response.Abort();
                return;
            }

            ctx.Response.OutputStream.Write(body);
            ctx.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to report.
        }
    }

    /// <summary>Writes a status with an empty body.</summary>
    public static bool Status(HttpListenerContext ctx, int status)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Close();
        return true;
    }
}
