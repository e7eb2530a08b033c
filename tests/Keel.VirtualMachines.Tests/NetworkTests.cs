using System.Net;
using System.Net.Sockets;
using System.Text;
using Keel.Tests;

namespace Keel.VirtualMachines.Tests;

/// <summary>--guestfwd for real: a guest on the restricted user network reaches a server on the host's loopback, and nothing else.</summary>
public sealed class NetworkTests
{
    [Fact]
    public async Task GuestForward_DhcpAnswers_EachConnectionReachesTheHost_AndTheGatewayDoesNot()
    {
        using var scratch = new Scratch();
        var iso = scratch.File("net.iso");
        Tools.Run(Path.Combine(TestPaths.RepoRoot, "tests", "Keel.VirtualMachines.Tests", "net-guest", "build.sh"), iso);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var token = "token-" + Guid.NewGuid().ToString("N");
        using var stop = new CancellationTokenSource();
        var served = 0;
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[1024];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, stop.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                var body = $"{token} {port}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"), stop.Token);
                Interlocked.Increment(ref served);
            }
        });
        var console = new StringWriter();

        var result = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions
            {
                CdromPath = iso,
                GuestForwards = [GuestForward.Parse($"10.0.2.100:80=127.0.0.1:{port}")],
                Expect = "NETTEST done",
                Timeout = TimeSpan.FromSeconds(120),
                TempRoot = Directory.CreateDirectory(scratch.File("temp")).FullName,
            },
            console);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);

        var lines = console.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.True(result.Outcome == VmRunOutcome.ExpectedTextSeen, string.Join('\n', result.LastConsoleLines));
        // restrict=on still hands out a lease, without a router or a DNS server.
        Assert.Contains("NETTEST lease 10.0.2.15/24 router= dns=", lines);
        for (int n = 1; n <= 3; n++)
        {
            Assert.Contains($"NETTEST fetch{n}: {token} {port}", lines);
        }

        // The same server through the gateway's own address: restrict=on drops it.
        Assert.Contains("NETTEST gateway: ", lines);
        Assert.Equal(3, served);
    }
}
