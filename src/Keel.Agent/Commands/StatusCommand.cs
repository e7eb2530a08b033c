using System.CommandLine;
using System.Text.Json;
using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent status`: prints the status document as JSON; exit 0 done (or degraded), 1 error; --strict makes degraded 1.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "Root whose status to read.", DefaultValueFactory = _ => "/" };
        var strict = new Option<bool>("--strict") { Description = "Exit 1 when the run is degraded (warnings), not only when it failed." };
        var cmd = new Command("status", "Print the provisioning status as JSON. Exit 0 done or degraded, 1 error or never run (--strict: degraded is 1 too); 2 is a usage error, as in every Keel program.\n\nExample: keel-agent status --root /mnt/target --strict")
        {
            root,
            strict,
        };
        cmd.SetAction(parse =>
        {
            var status = Provisioner.ReadStatus(new TargetRoot(parse.GetValue(root)!))
                ?? new AgentStatus { Status = "not-run" };
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(status, StatusJsonContext.Default.AgentStatus));
            return status.ExitCodeFor(parse.GetValue(strict));
        });
        return cmd;
    }
}
