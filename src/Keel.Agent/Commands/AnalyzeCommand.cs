using System.CommandLine;
using System.Text.Json;
using Keel.Errors;
using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent analyze`: time per stage and per module of the last run, as a table or JSON.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "Root whose last run to analyse.", DefaultValueFactory = _ => "/" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var cmd = new Command("analyze", "Show where provisioning time went: each stage and its modules, slowest first, in milliseconds.\n\nExample: keel-agent analyze --root /mnt/target --json")
        {
            root,
            json,
        };
        cmd.SetAction(parse =>
        {
            var rootPath = parse.GetValue(root)!;
            var status = Provisioner.ReadStatus(new TargetRoot(rootPath))
                ?? throw new InvalidDataException($"{rootPath}: no keel-agent run recorded ({CloudPaths.StatusFile} is missing)");
            var analysis = RunAnalysis.From(status);
            parse.InvocationConfiguration.Output.Write(parse.GetValue(json)
                ? JsonSerializer.Serialize(analysis, AnalysisJsonContext.Default.RunAnalysis) + "\n"
                : analysis.ToTable());
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
