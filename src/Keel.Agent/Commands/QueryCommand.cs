using System.CommandLine;
using Keel.Errors;
using Keel.Provisioning;
using Keel.Provisioning.Engine;
using Keel.Provisioning.UserData;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent query --seed DIR`: the merged cloud-config of a seed as JSON.</summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var seed = new Option<string>("--seed") { Description = "NoCloud seed directory.", Required = true };
        var cmd = new Command("query", "Print the merged cloud-config of a NoCloud seed (user data over vendor data) as JSON.\n\nExample: keel-agent query --seed ./seed")
        {
            seed,
        };
        cmd.SetAction(parse =>
        {
            var diagnostics = new List<ProvisioningDiagnostic>();
            var json = Provisioner.QueryNoCloud(parse.GetValue(seed)!, new LocalIncludeFetcher(), diagnostics);
            foreach (var d in diagnostics)
            {
                parse.InvocationConfiguration.Error.WriteLine("keel-agent: " + d);
            }

            parse.InvocationConfiguration.Output.Write(json);
            return diagnostics.Any(d => d.Severity == Severity.Error) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return cmd;
    }
}
