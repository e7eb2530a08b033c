using System.CommandLine;
using Keel.Errors;
using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent clean`: forgets the instance so the next boot provisions again.</summary>
internal static class CleanCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "Root to clean.", DefaultValueFactory = _ => "/" };
        var cmd = new Command("clean", "Remove /var/lib/cloud state (except seed/) so the next run provisions again.\n\nExample: keel-agent clean --root /mnt/target")
        {
            root,
        };
        cmd.SetAction(parse =>
        {
            Provisioner.Clean(new TargetRoot(parse.GetValue(root)!));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
