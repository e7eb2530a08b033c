using Keel.Installer.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Installer.Service.Hosting;

/// <summary>
/// The installer API served over HTTP on a unix socket, as Ubuntu's installer serves /run/subiquity/socket: Kestrel from
/// the slim builder (AOT-safe), no TCP port, the socket 0600 in a 0700 directory so only root reaches it, Kestrel's own
/// logging off (the install log is the record). The text UI and any later browser front end are clients of it.
/// </summary>
public sealed class InstallerServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InstallerServiceHost(WebApplication app, string socket)
    {
        _app = app;
        Socket = socket;
    }

    /// <summary>The socket the service listens on.</summary>
    public string Socket { get; }

    /// <summary>Starts serving <paramref name="api"/> on <paramref name="socketPath"/>; throws IOException (one line) when the path is taken.</summary>
    public static async Task<InstallerServiceHost> StartAsync(IInstallerApi api, string socketPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var socket = Path.GetFullPath(socketPath);
        SocketPath.Prepare(socket);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(socket);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        InstallerEndpoints.Map(app, api);
        app.MapFallback(context => InstallerEndpoints.ErrorAsync(context, 404, $"{context.Request.Method} {context.Request.Path}: no such route (docs/installer-api.md)"));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(socket, SocketPath.SocketMode);
        return new InstallerServiceHost(app, socket);
    }

    /// <summary>Stops serving and removes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        File.Delete(Socket);
    }
}
