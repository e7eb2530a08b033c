using System.CommandLine;
using Keel.Provisioning.Engine;
using Keel.Provisioning.Root;
using Keel.Provisioning.Schema;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent run`: applies a NoCloud seed to a root.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "Target root to provision (a mounted image, or / on the machine itself).", DefaultValueFactory = _ => "/" };
        var seed = new Option<string>("--seed") { Description = "NoCloud seed directory (meta-data, user-data, optional vendor-data and network-config).", Required = true };
        var stage = new Option<string>("--stage") { Description = "Stage to run: all, init, config or final (the systemd units run init, then config+final).", DefaultValueFactory = _ => "all" };
        var execute = new Option<bool>("--execute") { Description = "Also run bootcmd, runcmd and user scripts when --root is not / (through chroot). Without it they are recorded and left for the first boot." };
        var schemaFile = new Option<string?>("--schema") { Description = "cloud-init schema JSON for runtime warnings (default: the embedded 22.4.2 schema)." };
        var cmd = new Command("run", "Provision: read the seed, merge user/vendor data, apply modules at their frequencies, write the status.\n\n" +
            "Example: keel-agent run --root /mnt/target --seed /mnt/target/var/lib/cloud/seed/nocloud")
        {
            root, seed, stage, execute, schemaFile,
        };
        cmd.SetAction(parse =>
        {
            var stages = parse.GetValue(stage) switch
            {
                "all" => new[] { Stage.Init, Stage.Config, Stage.Final },
                "init" => [Stage.Init],
                "config" => [Stage.Config],
                "final" => [Stage.Config, Stage.Final],
                var other => throw new NotSupportedException($"--stage {other}: expected all, init, config or final"),
            };
            var schemaPath = parse.GetValue(schemaFile);
            var options = new ProvisioningOptions
            {
                Stages = stages,
                ExecuteInRoot = parse.GetValue(execute),
                Schema = schemaPath is null ? CloudConfigSchema.LoadEmbedded() : CloudConfigSchema.Load(schemaPath),
            };
            var output = parse.InvocationConfiguration.Output;
            var status = new Provisioner(new TargetRoot(parse.GetValue(root)!), options, parse.InvocationConfiguration.Error).RunNoCloud(parse.GetValue(seed)!);
            foreach (var e in status.Errors)
            {
                parse.InvocationConfiguration.Error.WriteLine($"keel-agent: error: {e.Source}: {e.Message}");
            }

            output.WriteLine($"status: {status.Status} (instance {status.InstanceId ?? "-"}, {status.Modules.Count(m => m.Result == "ran")} modules ran, {status.Errors.Count} errors, {status.Warnings.Count} warnings)");
            return status.Status == "error" ? AgentExitCodes.Failed : AgentExitCodes.Ok;
        });
        return cmd;
    }
}
