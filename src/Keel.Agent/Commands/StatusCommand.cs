using System.CommandLine;
using System.Text.Json;
using Keel.Provisioning.Engine;
using Keel.Provisioning.Root;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent status`: prints the status document as JSON; exit 0 done, 1 error, 2 degraded.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "Root whose status to read.", DefaultValueFactory = _ => "/" };
        var cmd = new Command("status", "Print the provisioning status as JSON. Exit 0 done, 1 error (or never run), 2 degraded.\n\nExample: keel-agent status --root /mnt/target")
        {
            root,
        };
        cmd.SetAction(parse =>
        {
            var status = Provisioner.ReadStatus(new TargetRoot(parse.GetValue(root)!))
                ?? new AgentStatus { Status = "not-run" };
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(status, StatusJsonContext.Default.AgentStatus));
            return status.ExitCode;
        });
        return cmd;
    }
}
