using System.Text.RegularExpressions;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's ansible (final stage, per instance) with install_method distro: ansible installed through dnf when the
/// root has no ansible program, ansible-galaxy actions run, and ansible-pull run in the root with cloud-init's arguments
/// (each pull key as --key=value, true as --key, false left out, then the playbook). install_method pip and
/// setup_controller are not supported.
/// </summary>
public sealed partial class AnsibleModule() : CloudConfigModule("ansible", Frequency.PerInstance, Stage.Final)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config["ansible"] is not { } value || value is CloudScalar { IsNull: true } || value is CloudMap { Count: 0 })
        {
            return ModuleOutcome.NothingToDo;
        }

        var ansible = value is CloudMap map ? (CloudMap)ConfigManagement.Sorted(map) : throw ConfigValues.WrongType(Name, "ansible", value, "a mapping");
        var method = Required(ansible, "install_method", "ansible");
        var package = Required(ansible, "package_name", "ansible");
        var pull = ConfigValues.Map(ansible, "pull", Name);
        if (pull is { Count: > 0 })
        {
            Required(pull, "url", "ansible.pull");
            Required(pull, "playbook_name", "ansible.pull");
        }

        if (method is not ("pip" or "distro"))
        {
            throw new InvalidDataException($"ansible.install_method '{method}': must be pip or distro");
        }

        if (method == "pip")
        {
            throw new InvalidDataException("ansible.install_method 'pip': keel-agent installs ansible through dnf only (install_method: distro)");
        }

        if (ansible["setup_controller"] is CloudMap { Count: > 0 })
        {
            throw new InvalidDataException("ansible.setup_controller: not supported by keel-agent (clone the repositories and run ansible-playbook from runcmd)");
        }

        if (!context.CanExecute)
        {
            context.Log.WriteLine($"{Name}: deferred to the first boot of the root (ansible is installed and run in it; use --execute to do it now)");
            return ModuleOutcome.Deferred;
        }

        if (!ConfigManagement.HasProgram(context, "ansible"))
        {
            ConfigManagement.Install(context, Name, [package]);
        }

        if (!ConfigManagement.HasProgram(context, "ansible"))
        {
            throw new IOException("command: ansible is not installed");
        }

        // Some ansible modules read HOME; cloud-init runs them with /root when it has none.
        var environment = new Dictionary<string, string> { ["HOME"] = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home && context.Root.IsHostRoot ? home : "/root" };
        if (ConfigValues.Text(ansible, "ansible_config", Name) is { Length: > 0 } config)
        {
            environment["ANSIBLE_CONFIG"] = config;
        }

        if (ConfigValues.Map(ansible, "galaxy", Name) is { } galaxy)
        {
            var actions = ConfigValues.List(galaxy, "actions", Name);
            if (actions is not { Items.Count: > 0 })
            {
                context.Warnings.Add(new(Keel.Errors.Severity.Warning, Name, "ansible.galaxy: no actions given"));
            }

            foreach (var (action, i) in (actions?.Items ?? []).Select((a, i) => (a, i)))
            {
                var argv = action is CloudList { Items.Count: > 0 } l
                    ? l.Items.Select((a, j) => ConfigManagement.PythonStr(a, $"ansible.galaxy.actions.{i}.{j}")).ToList()
                    : throw new InvalidDataException($"ansible.galaxy.actions.{i} (line {action.Line}): must be a command as a list of arguments");
                ConfigManagement.Output(context, argv, environment);
            }
        }

        if (pull is { Count: > 0 })
        {
            var arguments = PullArguments(pull);
            var versionLine = ConfigManagement.Output(context, ["ansible-pull", "--version"], environment).Split('\n')[0];
            if (VersionPattern().Match(versionLine) is { Success: true } m && Version.TryParse(m.Value.Trim('.'), out var version))
            {
                if (version < new Version(2, 7) && pull.GetBool("diff", false))
                {
                    throw new InvalidDataException($"Ansible version {version} doesn't support --diff flag, exiting.");
                }
            }
            else
            {
                context.Warnings.Add(new(Keel.Errors.Severity.Warning, Name, "Cannot parse ansible version"));
            }

            context.Log.WriteLine($"{Name}: ansible-pull {string.Join(' ', arguments)}");
            ConfigManagement.Output(context, ["ansible-pull", .. arguments], environment);
        }

        return ModuleOutcome.Done;
    }

    /// <summary>ansible-pull's arguments as cloud-init builds them: every pull key but playbook_name with '_' as '-', false left out, true as a bare flag, then the playbook.</summary>
    public static List<string> PullArguments(CloudMap pull)
    {
        var result = new List<string>();
        foreach (var (key, value) in ((CloudMap)ConfigManagement.Sorted(pull)).Entries)
        {
            if (key == "playbook_name" || value is CloudScalar { Kind: ScalarKind.Boolean, Text: "false" })
            {
                continue;
            }

            var flag = "--" + key.Replace('_', '-');
            result.Add(value is CloudScalar { Kind: ScalarKind.Boolean } ? flag : flag + "=" + ConfigManagement.PythonStr(value, "ansible.pull." + key));
        }

        result.Add(Required(pull, "playbook_name", "ansible.pull"));
        return result;
    }

    // cloud-init's test is Python truthiness: null, false, 0 and "" are missing.
    private static string Required(CloudMap map, string key, string where) => map[key] switch
    {
        CloudScalar { Kind: ScalarKind.String, Text.Length: > 0 } s => s.Text,
        CloudScalar { Kind: ScalarKind.Integer or ScalarKind.Float } n when n.Text.Trim('0', '.', '-', '+').Length > 0 => n.Text,
        CloudScalar { Kind: ScalarKind.Boolean, Text: "true" } => "True",
        CloudMap { Count: > 0 } or CloudList { Items.Count: > 0 } => throw new InvalidDataException($"{where}.{key}: must be a string"),
        _ => throw new InvalidDataException($"Missing required key '{key}' from {where}"),
    };

    [GeneratedRegex(@"[\d\.]+")]
    private static partial Regex VersionPattern();
}
