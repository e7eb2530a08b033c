using System.Net.Sockets;
using Keel.Installer.Service.Hosting;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>The socket: root-only, a stale one replaced, anything else at its path refused with one line.</summary>
public sealed class SocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-installer-socket").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_socket_is_0600_in_a_0700_directory_the_service_made_and_serves_the_machine()
    {
        await using var service = await ServiceUnderTest.StartAsync("several-disks-usb");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(service.Host.Socket));
        Assert.Equal(SocketPath.DirectoryMode, File.GetUnixFileMode(Path.GetDirectoryName(service.Host.Socket)!));
        var machine = await service.Client.GetMachineAsync(default);
        Assert.Equal(["/dev/sda", "/dev/nvme0n1", "/dev/sdb", "/dev/sr0"], machine.Disks.Select(d => d.Path).Take(4));
        Assert.Equal("rack3-node7", machine.Hostname);
    }

    [Fact]
    public async Task A_stale_socket_is_replaced()
    {
        var path = Path.Combine(_dir, "stale.sock");
        // .NET removes a socket file it bound when the socket closes; a crashed service leaves it, as python's does here.
        using (var python = System.Diagnostics.Process.Start("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path]))
        {
            await python.WaitForExitAsync();
            Assert.Equal(0, python.ExitCode);
        }

        Assert.True(Path.Exists(path));
        SocketPath.Prepare(path);
        Assert.False(Path.Exists(path));

        // And a service starts on it.
        File.Delete(path);
        using (var python = System.Diagnostics.Process.Start("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path]))
        {
            await python.WaitForExitAsync();
        }

        using var unused = Keel.Installer.Api.InstallerApiClient.ForSocket(path + ".none");
        await using var host = await InstallerServiceHost.StartAsync(unused, path, default);
        Assert.True(SocketPath.Answers(path));
    }

    [Fact]
    public void A_regular_file_a_directory_and_a_live_service_at_the_path_are_refused()
    {
        var file = Path.Combine(_dir, "file.sock");
        File.WriteAllText(file, "not a socket");
        var ex = Assert.Throws<IOException>(() => SocketPath.Prepare(file));
        Assert.Equal($"{file}: is a regular file, not the installer's socket; remove it or choose another --socket", ex.Message);
        Assert.Equal("not a socket", File.ReadAllText(file));

        var empty = Path.Combine(_dir, "empty.sock");
        File.WriteAllText(empty, "");
        Assert.Throws<IOException>(() => SocketPath.Prepare(empty));

        Assert.Contains("is a directory", Assert.Throws<IOException>(() => SocketPath.Prepare(_dir)).Message, StringComparison.Ordinal);

        var live = Path.Combine(_dir, "live.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(live));
        listener.Listen();
        Assert.Contains("another installer service is listening", Assert.Throws<IOException>(() => SocketPath.Prepare(live)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_and_bad_bodies_answer_with_an_api_error()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(service.Host.Socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://installer") };
        using var missing = await http.GetAsync(new Uri("/v1/nothing", UriKind.Relative));
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Contains("\"error\":\"GET /v1/nothing: no such route", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var body = new StringContent("{\"hostname\": 5}", System.Text.Encoding.UTF8, "application/json");
        using var bad = await http.PutAsync(new Uri("/v1/config/network", UriKind.Relative), body);
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.StartsWith("{\"error\":\"request body: not a NetworkSettings", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var badAfter = await http.GetAsync(new Uri("/v1/events?after=x", UriKind.Relative));
        Assert.Equal(400, (int)badAfter.StatusCode);
        using var badKind = await http.GetAsync(new Uri("/v1/choices/planets", UriKind.Relative));
        Assert.Equal(404, (int)badKind.StatusCode);
    }
}
