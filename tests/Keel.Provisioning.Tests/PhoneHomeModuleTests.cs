using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Tests;

/// <summary>phone_home against a loopback HTTP listener: fields, $INSTANCE_ID, retries and a server that never answers well.</summary>
public sealed class PhoneHomeModuleTests
{
    [Fact]
    public void Posts_instance_hostname_and_host_keys()
    {
        using var server = new Listener(_ => 200);
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nssh_genkeytypes: [ed25519]\nphone_home:\n  url: {server.Prefix}$INSTANCE_ID/\n  post: all\n  tries: 1\n");
        var status = Run(t);

        Assert.Equal("ran", status.Modules.Single(m => m.Name == "phone_home").Result);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/iid-1/", request.Path);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        var form = request.Body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => WebUtility.UrlDecode(p[1]));
        Assert.Equal(["pub_key_rsa", "pub_key_ecdsa", "pub_key_ed25519", "instance_id", "hostname", "fqdn"], form.Keys);
        Assert.Equal("iid-1", form["instance_id"]);
        Assert.Equal("node1", form["hostname"]);
        Assert.Equal(t["/etc/ssh/ssh_host_ed25519_key.pub"].Trim(), form["pub_key_ed25519"]);
        Assert.StartsWith("ssh-ed25519 ", form["pub_key_ed25519"], StringComparison.Ordinal);
        Assert.Equal("N/A", form["pub_key_rsa"]);

        // Per instance: a second boot does not phone home again.
        Run(t, bootId: "boot-2");
        Assert.Single(server.Requests);
    }

    [Fact]
    public void Retries_after_server_errors_and_warns_when_tries_run_out()
    {
        using var server = new Listener(n => n < 2 ? 503 : 200);
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nssh_genkeytypes: [ed25519]\nphone_home:\n  url: {server.Prefix}\n  post: [instance_id]\n  tries: 5\n");
        Run(t);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("instance_id=iid-1", server.Requests.Last().Body);

        using var failing = new Listener(_ => 500);
        using var t2 = new TestRoot();
        t2.Seed($"#cloud-config\nssh_genkeytypes: [ed25519]\nphone_home:\n  url: {failing.Prefix}\n  tries: 2\n");
        var status = Run(t2);
        Assert.Equal(2, failing.Requests.Count);
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "phone_home").Result);
        Assert.Contains(status.Warnings, w => w.Source.StartsWith("phone_home", StringComparison.Ordinal) && w.Message.Contains("HTTP 500", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stop_during_the_pause_between_tries_ends_the_run_at_once()
    {
        // The server cancels the run when the first try arrives; the pause before the second try is an hour, so only a
        // cancellable wait lets this test finish.
        using var stop = new CancellationTokenSource();
        using var server = new Listener(_ =>
        {
            stop.Cancel();
            return 503;
        });
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nssh_genkeytypes: [ed25519]\nphone_home:\n  url: {server.Prefix}\n  tries: 5\n");
        var provisioner = new Provisioner(t.Root, new ProvisioningOptions { BootId = "boot-1", PhoneHomeRetryDelay = TimeSpan.FromHours(1), PhoneHomeTimeout = TimeSpan.FromSeconds(30) }, TextWriter.Null);
        Assert.ThrowsAny<OperationCanceledException>(() => provisioner.Run(() => Datasources.NoCloudSeed.Read(t.SeedPath), null, stop.Token));
        Assert.Single(server.Requests);
    }

    private static AgentStatus Run(TestRoot t, string bootId = "boot-1") =>
        new Provisioner(t.Root, new ProvisioningOptions { BootId = bootId, PhoneHomeRetryDelay = TimeSpan.FromMilliseconds(10), PhoneHomeTimeout = TimeSpan.FromSeconds(10) }, TextWriter.Null)
            .RunNoCloud(t.SeedPath);

    private sealed record Received(string Path, string? ContentType, string Body);

    /// <summary>A loopback HTTP server answering each POST with the status <c>answer(n)</c> gives for the n-th request.</summary>
    private sealed class Listener : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<Received> _requests = new();
        private readonly Func<int, int> _answer;

        public Listener(Func<int, int> answer)
        {
            _answer = answer;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Prefix = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Prefix);
            _listener.Start();
            _ = Task.Run(Serve);
        }

        public string Prefix { get; }

        public IReadOnlyCollection<Received> Requests => _requests.ToArray();

        private async Task Serve()
        {
            while (_listener.IsListening)
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

                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                var n = _requests.Count;
                _requests.Enqueue(new Received(context.Request.Url!.AbsolutePath, context.Request.ContentType, body));
                context.Response.StatusCode = _answer(n);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
