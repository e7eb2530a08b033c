using System.CommandLine;
using Keel.Agent.Commands;

namespace Keel.Agent;

/// <summary>Builds the keel-agent command tree and runs it, turning expected failures into one-line errors.</summary>
public static class AgentCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "keel-agent: first-boot provisioning from cloud-init configuration (NoCloud, ConfigDrive, Azure and None datasources).\n\n" +
            "Exit codes: 0 ok, 1 failed or invalid, 2 degraded (status) or usage error.");
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
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            await stderr.WriteLineAsync("keel-agent: " + ex.Message.ReplaceLineEndings(" ")).ConfigureAwait(false);
            return ex is NotSupportedException ? AgentExitCodes.Usage : AgentExitCodes.Failed;
        }
    }
}

/// <summary>keel-agent's exit codes.</summary>
public static class AgentExitCodes
{
    /// <summary>Success (status: done).</summary>
    public const int Ok = 0;

    /// <summary>Failed, invalid config, or status error.</summary>
    public const int Failed = 1;

    /// <summary>Status degraded, or a usage error.</summary>
    public const int Usage = 2;
}
