using Keel.Installer.Api;
using Keel.Installer.Service.Hosting;
using Keel.Installer.Service.Session;
using Keel.Installer.Tui;
using Keel.Installer.Tui.Line;
using Microsoft.Win32.SafeHandles;

namespace Keel.Cli.Commands;

/// <summary>
/// The interactive installer as `keel installer` runs it: the installer service on its unix socket, and a front end
/// that is only a client of that socket (the full-screen text UI, or the line mode for dumb serial consoles), as
/// Ubuntu's installer runs its server and UI. When the front end ends, the service stops and the socket goes.
/// </summary>
internal static class InstallerFrontEnd
{
    /// <summary>Serves a session for <paramref name="options"/> on <paramref name="socket"/> and runs the UI against it; returns the UI's exit code.</summary>
    public static async Task<int> RunAsync(InstallerSessionOptions options, string socket, bool line, CancellationToken cancellationToken)
    {
        using var session = new InstallerSession(options);
        await using var host = await InstallerServiceHost.StartAsync(session, socket, cancellationToken).ConfigureAwait(false);
        return await RunUiAsync(host.Socket, line, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a front end against the service on <paramref name="socket"/>.</summary>
    public static async Task<int> RunUiAsync(string socket, bool line, CancellationToken cancellationToken)
    {
        using var client = InstallerApiClient.ForSocket(socket);
        return line
            ? await new LineInstaller(client, LineInput(), Console.Out, TerminalEcho.ForDescriptor(0)).RunAsync(cancellationToken).ConfigureAwait(false)
            : await TextInstaller.RunAsync(client, new TextUiOptions(), cancellationToken).ConfigureAwait(false);
    }

    // Not Console.In, nor Console.OpenStandardInput(): on a tty both read through .NET's own line editor, which turns the
    // kernel's echo off and echoes keys in user space, so a password would be printed whatever the line mode asks of the
    // tty. Descriptor 0 read as a plain file stays in the kernel's canonical mode: TerminalEcho decides what is echoed,
    // and the kernel does the line editing a serial console needs. A pipe or a file reads the same way.
    private static StreamReader LineInput() =>
        new(new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0), Console.InputEncoding, detectEncodingFromByteOrderMarks: false);

    /// <summary>Serves until <paramref name="cancellationToken"/> fires (Ctrl-C, SIGTERM); prints where it listens.</summary>
    public static async Task<int> ServeAsync(InstallerSessionOptions options, string socket, TextWriter output, CancellationToken cancellationToken)
    {
        using var session = new InstallerSession(options);
        await using var host = await InstallerServiceHost.StartAsync(session, socket, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"keel installer service: listening on {host.Socket}{(options.DryRun ? " (dry run: no disk is written)" : "")}; Ctrl-C stops it").ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the normal end of serve.
        }

        return 0;
    }
}
