using System.CommandLine;
using System.Globalization;
using Keel.Errors;
using Keel.Provisioning.Datasources;
using Keel.Provisioning.Datasources.Azure;
using Keel.Provisioning.Engine;
using Keel.Provisioning.Schema;
using Keel.TargetSystem;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent run`: finds the datasource and applies it to a root.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "Target root to provision (a mounted image, or / on the machine itself).", DefaultValueFactory = _ => "/" };
        var seed = new Option<string?>("--seed") { Description = "NoCloud seed directory (meta-data, user-data, optional vendor-data and network-config); default ROOT/var/lib/cloud/seed/nocloud when present." };
        var datasource = new Option<string?>("--datasource") { Description = "Datasources to try in order, comma-separated (NoCloud, ConfigDrive, Azure, None); default: datasource_list of the root's cloud.cfg, else NoCloud,ConfigDrive,Azure,None." };
        var configDrive = new Option<string?>("--config-drive") { Description = "Mounted ConfigDrive (config-2) directory holding openstack/latest/meta_data.json." };
        var seedDevice = new Option<string[]>("--seed-device") { Description = "Block device or image file to probe for a cidata (NoCloud) or config-2 (ConfigDrive) vfat/iso9660 filesystem, read without mounting; repeatable. Default: blkid's search when --root is /, none otherwise." };
        var imds = new Option<string?>("--imds") { Description = "Azure IMDS base address (default http://169.254.169.254, or KEEL_AZURE_IMDS); giving it selects Azure." };
        var wireserver = new Option<string?>("--wireserver") { Description = "Azure wireserver base address (default http://168.63.129.16, or KEEL_AZURE_WIRESERVER)." };
        var ovfDir = new Option<string?>("--ovf-dir") { Description = "Directory holding Azure's ovf-env.xml (the mounted provisioning CD; or KEEL_AZURE_OVF_DIR)." };
        var report = new Option<string>("--azure-report") { Description = "Azure ready report: auto (JSON, else goal state), json, goalstate or none.", DefaultValueFactory = _ => "auto" };
        var timeout = new Option<double>("--azure-timeout") { Description = "Seconds all attempts of one Azure request may take together (each attempt at most 30 s).", DefaultValueFactory = _ => 300 };
        var stage = new Option<string>("--stage") { Description = "Stage to run: all, init, config or final (the systemd units run init, then config+final).", DefaultValueFactory = _ => "all" };
        var execute = new Option<bool>("--execute") { Description = "Also run bootcmd, runcmd and user scripts when --root is not / (through chroot). Without it they are recorded and left for the first boot." };
        var schemaFile = new Option<string?>("--schema") { Description = "cloud-init schema JSON for runtime warnings (default: the embedded 22.4.2 schema)." };
        var strict = new Option<bool>("--strict") { Description = "All or nothing: a key or option keel-agent does not apply is an error and no module runs (as keel_agent: {strict: true} in the config)." };
        var cmd = new Command("run", "Provision: find the datasource, merge user/vendor data, apply modules at their frequencies, report to the platform, write the status.\n\n" +
            "Examples:\n  keel-agent run --root /mnt/target --seed /mnt/target/var/lib/cloud/seed/nocloud\n" +
            "  keel-agent run --datasource Azure --ovf-dir /mnt/cdrom --azure-report goalstate")
        {
            root, seed, datasource, configDrive, seedDevice, imds, wireserver, ovfDir, report, timeout, stage, execute, schemaFile, strict,
        };
        cmd.SetAction((parse, cancellationToken) =>
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
                Strict = parse.GetValue(strict),
                Schema = schemaPath is null ? CloudConfigSchema.LoadEmbedded() : CloudConfigSchema.Load(schemaPath),
            };
            var azure = AzureOptions.FromEnvironment(Environment.GetEnvironmentVariable);
            var imdsText = parse.GetValue(imds);
            azure = azure with
            {
                Imds = imdsText is null ? azure.Imds : AzureOptions.ParseBase(imdsText, "--imds"),
                Wireserver = parse.GetValue(wireserver) is { } w ? AzureOptions.ParseBase(w, "--wireserver") : azure.Wireserver,
                OvfDirectory = parse.GetValue(ovfDir) ?? azure.OvfDirectory,
                ReportMode = parse.GetValue(report) switch
                {
                    "auto" => AzureReportMode.Auto,
                    "json" => AzureReportMode.Json,
                    "goalstate" => AzureReportMode.GoalState,
                    "none" => AzureReportMode.None,
                    var other => throw new NotSupportedException($"--azure-report {other}: expected auto, json, goalstate or none"),
                },
                Retry = azure.Retry with { TotalTimeout = Seconds(parse.GetValue(timeout)) },
            };
            var settings = new DatasourceSettings
            {
                List = parse.GetValue(datasource)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                NoCloudSeed = parse.GetValue(seed),
                ConfigDrive = parse.GetValue(configDrive),
                SeedDevices = parse.GetValue(seedDevice) is { Length: > 0 } devices ? devices : null,
                Azure = azure,
                ForceAzure = imdsText is not null,
            };
            var output = parse.InvocationConfiguration.Output;
            var status = new Provisioner(new TargetRoot(parse.GetValue(root)!), options, parse.InvocationConfiguration.Error).RunDetected(settings, cancellationToken);
            foreach (var e in status.Errors)
            {
                parse.InvocationConfiguration.Error.WriteLine($"keel-agent: error: {e.Source}: {e.Message}");
            }

            output.WriteLine($"status: {status.Status} (datasource {status.Datasource ?? "-"}, instance {status.InstanceId ?? "-"}, {status.Modules.Count(m => m.Result == "ran")} modules ran, {status.Errors.Count} errors, {status.Warnings.Count} warnings{(status.ReadyReport is null ? "" : ", reported " + status.ReadyReport)})");
            return Task.FromResult(status.Status == "error" ? ExitCodes.Failed : ExitCodes.Ok);
        });
        return cmd;
    }

    private static TimeSpan Seconds(double value) => value is > 0 and <= 3600
        ? TimeSpan.FromSeconds(value)
        : throw new NotSupportedException($"--azure-timeout {value.ToString(CultureInfo.InvariantCulture)}: expected 0 < seconds <= 3600");
}
