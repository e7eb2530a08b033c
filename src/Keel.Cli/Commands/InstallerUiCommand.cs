using System.CommandLine;
using Keel.Installer.Api;

namespace Keel.Cli.Commands;

/// <summary>`keel installer ui`: a front end for an installer service already serving on a socket.</summary>
internal static class InstallerUiCommand
{
    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = $"The service's unix socket (default {InstallerRoutes.DefaultSocket}).", DefaultValueFactory = _ => InstallerRoutes.DefaultSocket };
        var line = new Option<bool>("--line") { Description = "The line-by-line front end instead of the full-screen text UI." };
        var cmd = new Command("ui",
            "Run the installer's text UI (or, with --line, its line mode) against a service started with 'keel installer serve'. The UI " +
            "holds no state: quit and start it again, and it picks up the session where it was.\n\n" +
            "Example: keel installer ui --socket /tmp/k.sock --line")
        {
            socket, line,
        };
        cmd.SetAction((parse, ct) => InstallerFrontEnd.RunUiAsync(parse.GetValue(socket)!, parse.GetValue(line), ct));
        return cmd;
    }
}
