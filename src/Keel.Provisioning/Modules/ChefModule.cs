using System.Globalization;
using System.Text;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's chef (final stage, every boot): chef's directories, the validation key, client.rb rendered as cloud-init's
/// chef_client.rb template renders it, firstboot.json, chef installed through dnf when /usr/bin/chef-client is missing
/// (or force_install), and chef-client run in the root when asked. The validation key is written 0600 (cloud-init leaves
/// it at 0644); the gems and omnibus install types are not supported.
/// </summary>
public sealed class ChefModule() : CloudConfigModule("chef", Frequency.Always, Stage.Final)
{
    /// <summary>chef-client, where cloud-init looks for it.</summary>
    public const string ExecPath = "/usr/bin/chef-client";

    private const string ValidationPem = "/etc/chef/validation.pem";
    private const string FirstbootPath = "/etc/chef/firstboot.json";
    private const string ClientRb = "/etc/chef/client.rb";
    private const UnixFileMode Public = (UnixFileMode)0x1a4;
    private const UnixFileMode Private = (UnixFileMode)0x180;

    private static readonly string[] Dirs = ["/etc/chef", "/var/log/chef", "/var/lib/chef", "/var/cache/chef", "/var/backups/chef", "/var/run/chef"];
    private static readonly string[] PathKeys = ["log_location", "validation_key", "client_key", "file_cache_path", "json_attribs", "pid_file", "encrypted_data_bag_secret"];

    // cloud-init's CHEF_RB_TPL_DEFAULTS; every key of the template that a user may set.
    private static readonly (string Key, string? Value)[] Defaults =
    [
        ("ssl_verify_mode", ":verify_none"),
        ("log_level", ":info"),
        ("log_location", "/var/log/chef/client.log"),
        ("validation_key", ValidationPem),
        ("validation_cert", null),
        ("client_key", "/etc/chef/client.pem"),
        ("json_attribs", FirstbootPath),
        ("file_cache_path", "/var/cache/chef"),
        ("file_backup_path", "/var/backups/chef"),
        ("pid_file", "/var/run/chef/client.pid"),
        ("show_time", "True"),
        ("encrypted_data_bag_secret", null),
    ];

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (!context.Config.ContainsKey("chef"))
        {
            return ModuleOutcome.NothingToDo;
        }

        var chef = context.Config["chef"] is CloudMap m ? (CloudMap)ConfigManagement.Sorted(m) : throw ConfigValues.WrongType(Name, "chef", context.Config["chef"]!, "a mapping");
        var dirs = ConfigValues.List(chef, "directories", Name) is { Items.Count: > 0 } list
            ? list.Items.Select((d, i) => ConfigPathCheck.Absolute(ConfigManagement.PythonStr(d, $"chef.directories.{i}"), "chef.directories")).ToList()
            : [.. Dirs];
        foreach (var d in dirs.Append("/etc/chef"))
        {
            context.Root.CreateDirectory(d);
        }

        var validationKey = ConfigPathCheck.Absolute(ConfigValues.Text(chef, "validation_key", Name) ?? ValidationPem, "chef.validation_key");
        if (ConfigValues.Text(chef, "validation_cert", Name) is { Length: > 0 } cert)
        {
            if (cert != "system")
            {
                context.Root.WriteText(validationKey, cert, Private);
            }
            else if (!context.Root.Exists(validationKey))
            {
                context.Warnings.Add(new(Keel.Errors.Severity.Warning, Name, $"chef validation_cert provided as 'system', but validation_key path '{validationKey}' does not exist."));
            }
        }

        var parameters = Parameters(chef, context.Instance.InstanceId);
        foreach (var key in PathKeys)
        {
            if (parameters.GetValueOrDefault(key) is { Length: > 0 } path && Path.GetDirectoryName(path) is { Length: > 0 } dir)
            {
                context.Root.CreateDirectory(ConfigPathCheck.Absolute(dir, "chef." + key));
            }
        }

        var header = string.Create(CultureInfo.InvariantCulture, $"# Created by keel-agent on {context.Options.Now:ddd, dd MMM yyyy HH:mm:ss +0000}");
        context.Root.WriteText(ClientRb, RenderClientRb(parameters, header), Public);

        var firstboot = ConfigValues.Text(chef, "firstboot_path", Name) ?? FirstbootPath;
        if (firstboot.Length > 0)
        {
            context.Root.WriteText(ConfigPathCheck.Absolute(firstboot, "chef.firstboot_path"), FirstbootJson(chef), Public);
        }

        var force = chef.GetBool("force_install", false);
        var installed = context.Root.Exists(ExecPath);
        var run = chef.GetBool("exec", false);
        if (!installed || force)
        {
            var type = ConfigValues.Text(chef, "install_type", Name) ?? "packages";
            if (type != "packages")
            {
                throw new InvalidDataException($"chef.install_type '{type}': keel-agent installs chef through dnf only (install_type: packages); gems and omnibus downloads are not supported");
            }

            if (!context.CanExecute)
            {
                context.Log.WriteLine($"{Name}: chef is not installed; installed on the first boot of the root (use --execute to install now)");
                return ModuleOutcome.Deferred;
            }

            ConfigManagement.Install(context, Name, ["chef"]);
        }

        if (run)
        {
            if (!context.CanExecute)
            {
                context.Log.WriteLine($"{Name}: chef-client runs on the first boot of the root (use --execute to run it now)");
                return ModuleOutcome.Deferred;
            }

            List<string> argv = [ExecPath];
            argv.AddRange(chef["exec_arguments"] switch
            {
                null => ["-d", "-i", "1800", "-s", "20"],
                CloudList l => l.Items.Select((item, i) => ConfigManagement.PythonStr(item, $"chef.exec_arguments.{i}")),
                CloudScalar { Kind: ScalarKind.String } s => [s.Text],
                var other => throw ConfigValues.WrongType(Name, "exec_arguments", other, "a list or a string"),
            });
            ConfigManagement.Output(context, argv);
            if (chef.GetBool("delete_validation_post_exec", false))
            {
                context.Root.DeleteFile(ValidationPem);
            }
        }

        return ModuleOutcome.Done;
    }

    /// <summary>cloud-init's get_template_params: its defaults, the user's values for the template's keys (null clears one), node_name, environment and the two mandatory keys.</summary>
    public static Dictionary<string, string?> Parameters(CloudMap chef, string instanceId)
    {
        var result = Defaults.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        string[] known = [.. Defaults.Select(d => d.Key), "server_url", "node_name", "environment", "validation_name", "chef_license"];
        foreach (var (key, value) in chef.Entries)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }

            result[key] = value is CloudScalar { IsNull: true } ? null
                : key == "show_time" ? (chef.GetBool(key, false) ? "True" : "False")
                : ConfigManagement.PythonStr(value, "chef." + key);
        }

        result["node_name"] = ConfigValues.Text(chef, "node_name", "chef") ?? instanceId;
        result["environment"] = ConfigValues.Text(chef, "environment", "chef") ?? "_default";
        result["server_url"] = Mandatory(chef, "server_url");
        result["validation_name"] = Mandatory(chef, "validation_name");
        return result;
    }

    /// <summary>client.rb as cloud-init 22.4.2 renders templates/chef_client.rb.tmpl (Jinja with trim_blocks): a line per set value.</summary>
    public static string RenderClientRb(IReadOnlyDictionary<string, string?> p, string header)
    {
        var sb = new StringBuilder(header).Append('\n');
        void Line(string key, string format)
        {
            if (Truthy(p.GetValueOrDefault(key)))
            {
                sb.Append(string.Format(CultureInfo.InvariantCulture, format, p[key])).Append('\n');
            }
        }

        Line("chef_license", "chef_license           \"{0}\"");
        Line("log_level", "log_level              {0}");
        Line("ssl_verify_mode", "ssl_verify_mode        {0}");
        Line("log_location", "log_location           \"{0}\"");
        Line("validation_name", "validation_client_name \"{0}\"");
        if (Truthy(p.GetValueOrDefault("validation_cert")))
        {
            sb.Append("validation_key         \"").Append(p.GetValueOrDefault("validation_key")).Append("\"\n");
        }

        Line("client_key", "client_key             \"{0}\"");
        Line("server_url", "chef_server_url        \"{0}\"");
        Line("environment", "environment            \"{0}\"");
        Line("node_name", "node_name              \"{0}\"");
        Line("json_attribs", "json_attribs           \"{0}\"");
        Line("file_cache_path", "file_cache_path        \"{0}\"");
        Line("file_backup_path", "file_backup_path       \"{0}\"");
        Line("pid_file", "pid_file               \"{0}\"");
        if (p.GetValueOrDefault("show_time") == "True")
        {
            sb.Append("Chef::Log::Formatter.show_time = true\n");
        }

        Line("encrypted_data_bag_secret", "encrypted_data_bag_secret \"{0}\"");
        return sb.Append('\n').ToString();
    }

    /// <summary>firstboot.json: run_list, then the initial_attributes, as cloud-init's json.dumps writes them.</summary>
    public static string FirstbootJson(CloudMap chef)
    {
        chef = (CloudMap)ConfigManagement.Sorted(chef);
        var entries = new List<KeyValuePair<string, CloudNode>>();
        if (chef["run_list"] is { } runList)
        {
            entries.Add(new("run_list", runList));
        }

        if (ConfigValues.Map(chef, "initial_attributes", "chef") is { } attributes)
        {
            entries.AddRange(attributes.Entries);
        }

        return ConfigManagement.PythonJson(new CloudMap(entries));
    }

    // Jinja's truth test on the string values cloud-init passes: empty and None are false, "False" (a string) is true.
    private static bool Truthy(string? value) => value is { Length: > 0 };

    private static string Mandatory(CloudMap chef, string key) =>
        ConfigValues.Text(chef, key, "chef") ?? throw new InvalidDataException($"chef.{key}: required (cloud-init's template needs it)");
}
