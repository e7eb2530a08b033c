using System.CommandLine;
using Keel.Cli.Commands;
using Keel.Errors;

namespace Keel.Cli;

/// <summary>Builds the keel command tree and runs it, turning expected failures into one-line errors and exit codes.</summary>
public static class KeelCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand(
            "Keel: installer, image builder and provisioning for RPM-based container-host Linux.\n\n" +
            ExitCodes.HelpText);
        root.Subcommands.Add(RepoCommand.Create());
        root.Subcommands.Add(RpmCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(BuildCommand.Create());
        root.Subcommands.Add(InstallCommand.Create());
        root.Subcommands.Add(InstallerCommand.Create());
        root.Subcommands.Add(DisksCommand.Create());
        root.Subcommands.Add(VmCommand.Create());
        root.Subcommands.Add(MediaCommand.Create());
        root.Subcommands.Add(SbomCommand.Create());
        root.Subcommands.Add(ScanCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(MirrorCommand.Create());

        // ConsoleInterrupt owns SIGINT/SIGTERM; System.CommandLine's own handler would race it and outlive it.
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        using var interrupt = new ConsoleInterrupt(cancellationToken);
        try
        {
            // '@group' and '@^environment' are package specs, not response files.
            var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            return await parse.InvokeAsync(config, interrupt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("keel: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ExitCodes.IsExpected(ex))
        {
            await stderr.WriteLineAsync("keel: " + ExitCodes.Describe(ex)).ConfigureAwait(false);
            return ExitCodes.For(ex);
        }
    }
}
