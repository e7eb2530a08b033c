using System.Net;
using System.Net.Sockets;
using System.Text;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.UserData;

namespace Keel.Provisioning.Tests;

/// <summary>
/// Issue 8 finding 7: with a target root, file:// includes are read inside it (never the build host's files), and
/// every HTTP redirect hop is checked against the same rules as the first URL. Network traffic stays on loopback.
/// </summary>
public sealed class IncludeConfinementTests
{
    [Fact]
    public void File_includes_resolve_inside_the_target_root()
    {
        using var t = new TestRoot();
        var hostFile = Path.Combine(t.Base, "host-only.yaml");
        File.WriteAllText(hostFile, "#cloud-config\nhostname: from-host\n");
        File.WriteAllText(t.Host("/etc/keel-include.yaml"), "#cloud-config\nhostname: from-root\n");
        Directory.CreateDirectory(t.Host("/srv"));
        File.CreateSymbolicLink(t.Host("/srv/absolute"), hostFile);
        File.CreateSymbolicLink(t.Host("/srv/relative"), "../../host-only.yaml");
        File.CreateSymbolicLink(t.Host("/srv/inside"), "/etc/keel-include.yaml");
        t.Seed($"#include\nfile:///etc/keel-include.yaml\nfile://{hostFile}\nfile:///srv/absolute\nfile:///srv/relative\nfile:///srv/inside\n");

        var status = t.Run();

        Assert.Equal("from-root\n", t["/etc/hostname"]);
        Assert.DoesNotContain("from-host", t["/var/lib/cloud/instances/iid-1/cloud-config.json"], StringComparison.Ordinal);
        foreach (var url in new[] { $"file://{hostFile}", "file:///srv/absolute", "file:///srv/relative" })
        {
            Assert.Contains(status.Warnings, w => w.Message.StartsWith($"#include {url}:", StringComparison.Ordinal) && w.Message.Contains(t.RootPath, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(status.Warnings, w => w.Message.Contains("file:///srv/inside", StringComparison.Ordinal));
    }

    [Fact]
    public void File_includes_inside_the_root_follow_links_the_way_the_root_sees_them()
    {
        using var t = new TestRoot();
        File.WriteAllText(t.Host("/etc/real.yaml"), "#cloud-config\nhostname: via-link\n");
        File.CreateSymbolicLink(t.Host("/etc/link.yaml"), "../../../etc/real.yaml");
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes("#include file:///etc/link.yaml\n"), "user-data", new LocalIncludeFetcher(t.Root));
        Assert.Empty(assembled.Diagnostics);
        Assert.Equal("via-link", assembled.CloudConfig.GetString("hostname"));
    }

    [Fact]
    public void A_redirect_to_a_scheme_the_rules_refuse_is_not_followed()
    {
        using var trap = new ConnectionTrap();
        var hop = $"https://127.0.0.1:{trap.Port}/elsewhere";
        using var server = new LoopbackHttpServer(_ => Redirect(hop));

        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes($"#include {server.Url("/start")}\n"), "user-data", new LocalIncludeFetcher(TimeSpan.FromSeconds(5)));

        var refusal = Assert.Single(assembled.Diagnostics);
        Assert.StartsWith($"#include {server.Url("/start")}:", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"redirect to {hop}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, trap.Connections);
    }

    [Fact]
    public void A_redirect_to_a_file_url_is_refused_naming_the_hop()
    {
        using var server = new LoopbackHttpServer(_ => Redirect("file:///etc/passwd"));
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes($"#include {server.Url("/a")}\n"), "user-data", new LocalIncludeFetcher(TimeSpan.FromSeconds(5)));
        var refusal = Assert.Single(assembled.Diagnostics);
        Assert.Contains("redirect to file:///etc/passwd", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(assembled.CloudConfig.Entries);
    }

    [Fact]
    public void Redirects_within_the_rules_are_followed_a_bounded_number_of_times()
    {
        using var server = new LoopbackHttpServer(path => path switch
        {
            "/one" => Redirect("/two"),
            "/two" => Ok("#cloud-config\nhostname: after-redirect\n"),
            _ => Redirect(path + "x"),
        });
        var fetcher = new LocalIncludeFetcher(TimeSpan.FromSeconds(5));

        var followed = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes($"#include {server.Url("/one")}\n"), "user-data", fetcher);
        Assert.Empty(followed.Diagnostics);
        Assert.Equal("after-redirect", followed.CloudConfig.GetString("hostname"));

        var endless = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes($"#include {server.Url("/loop")}\n"), "user-data", fetcher);
        var refusal = Assert.Single(endless.Diagnostics);
        Assert.StartsWith($"#include {server.Url("/loop")}:", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"more than {LocalIncludeFetcher.MaxRedirects} redirects", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endless_http_body_is_cut_at_the_byte_limit()
    {
        using var server = new LoopbackHttpServer(_ => null);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes($"#include {server.Url("/zeros")}\n"), "user-data", new LocalIncludeFetcher(TimeSpan.FromSeconds(30)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 128L * 1024 * 1024);
        var refusal = Assert.Single(assembled.Diagnostics);
        Assert.StartsWith($"#include {server.Url("/zeros")}:", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"more than {LocalIncludeFetcher.MaxBytes} bytes", refusal.Message, StringComparison.Ordinal);
    }

    private static string Redirect(string location) => $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    private static string Ok(string body) => $"HTTP/1.1 200 OK\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    /// <summary>A loopback HTTP/1.1 server: each request's path is answered with the handler's raw response, or endless zeros for null.</summary>
    private sealed class LoopbackHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public LoopbackHttpServer(Func<string, string?> handler)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(async () =>
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

                    _ = Task.Run(() => ServeAsync(client, handler));
                }
            });
        }

        public int Port { get; }

        public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

        private async Task ServeAsync(TcpClient client, Func<string, string?> handler)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var request = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await stream.ReadAsync(buffer, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }

                    var path = request.ToString().Split(' ')[1];
                    if (handler(path) is { } response)
                    {
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(response), _stop.Token);
                        return;
                    }

                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), _stop.Token);
                    var zeros = new byte[65536];
                    while (!_stop.IsCancellationRequested)
                    {
                        await stream.WriteAsync(zeros, _stop.Token);
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The client went away (as it should once it has refused the answer).
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _loop.Wait(TimeSpan.FromSeconds(5));
            _stop.Dispose();
        }
    }

    /// <summary>A loopback port that counts every connection made to it and closes it at once.</summary>
    private sealed class ConnectionTrap : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _loop;
        private int _connections;

        public ConnectionTrap()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(async () =>
            {
                while (true)
                {
                    try
                    {
                        using var client = await _listener.AcceptTcpClientAsync();
                        Interlocked.Increment(ref _connections);
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public int Port { get; }

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _listener.Stop();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
