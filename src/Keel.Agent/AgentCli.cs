using System.CommandLine;
using Keel.Agent.Commands;
using Keel.Errors;

namespace Keel.Agent;

/// <summary>Builds the keel-agent command tree and runs it, turning expected failures into one-line errors.</summary>
public static class AgentCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "keel-agent: first-boot provisioning from cloud-init configuration (NoCloud, ConfigDrive, Azure and None datasources).\n\n" +
            ExitCodes.HelpText);
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(QueryCommand.Create());
        root.Subcommands.Add(CleanCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());

        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception ex) when (ExitCodes.IsExpected(ex))
        {
            await stderr.WriteLineAsync("keel-agent: " + ExitCodes.Describe(ex)).ConfigureAwait(false);
            return ExitCodes.For(ex);
        }
    }
}
