using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Serves a directory over HTTP/1.1 GET on 127.0.0.1, whatever Host header the client sends: a guest reaches it through
/// qemu's guestfwd under another address (10.0.2.100), which HttpListener would refuse by host name. One request per
/// connection, paths confined to the directory.
/// </summary>
internal sealed class StaticFileServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _root;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public StaticFileServer(string root)
    {
        _root = Path.GetFullPath(root);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>Every request as "STATUS /path".</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadHeadAsync(stream);
                var target = request.Split('\n')[0].Split(' ') is [_, var path, ..] ? Uri.UnescapeDataString(path.Split('?')[0]) : "/";
                var file = Path.GetFullPath(Path.Combine(_root, target.TrimStart('/')));
                bool found = file.StartsWith(_root + "/", StringComparison.Ordinal) && File.Exists(file);
                Log.Enqueue($"{(found ? 200 : 404)} {target}");
                if (!found)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                    return;
                }

                await using var content = File.OpenRead(file);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {content.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"));
                await content.CopyToAsync(stream);
            }
            catch (IOException)
            {
                // The client went away.
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (head.Length < 16384 && await stream.ReadAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
            {
                break;
            }
        }

        return head.ToString();
    }
}
