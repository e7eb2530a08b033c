using System.Text;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's puppet (final stage, per instance): the distribution's puppet package installed through dnf, puppet.conf's
/// sections merged the way cloud-init's ConfigParser does (the previous file kept as puppet.conf.old), the puppet server's
/// CA certificate and csr_attributes.yaml written, puppet.service enabled (offline in a target root) and, on the machine
/// itself, puppet agent run when asked and the service started. The AIO installer script (install_type: aio) is not run.
/// </summary>
public sealed class PuppetModule() : CloudConfigModule("puppet", Frequency.PerInstance, Stage.Final)
{
    private const UnixFileMode FileMode = (UnixFileMode)0x1a4;

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (!context.Config.ContainsKey("puppet"))
        {
            return ModuleOutcome.NothingToDo;
        }

        var puppet = context.Config["puppet"] switch
        {
            CloudScalar { IsNull: true } => CloudMap.Empty,
            CloudMap m => (CloudMap)ConfigManagement.Sorted(m),
            var other => throw ConfigValues.WrongType(Name, "puppet", other!, "a mapping"),
        };
        var install = puppet.GetBool("install", true);
        var version = ConfigValues.Text(puppet, "version", Name);
        var installType = ConfigValues.Text(puppet, "install_type", Name) ?? "packages";
        var run = puppet.GetBool("exec", false);
        var start = puppet.GetBool("start_service", true);
        var aio = installType == "aio";
        var (user, bin, defaultPackage) = aio ? ("root", "/opt/puppetlabs/bin/puppet", "puppet-agent") : ("puppet", "puppet", "puppet");
        var package = ConfigValues.Text(puppet, "package_name", Name) ?? defaultPackage;
        var confFile = ConfigValues.Text(puppet, "conf_file", Name);
        var sslDir = ConfigValues.Text(puppet, "ssl_dir", Name);
        var csrPath = ConfigValues.Text(puppet, "csr_attributes_path", Name);

        if (install && aio)
        {
            throw new InvalidDataException("puppet.install_type 'aio': keel-agent does not download and run Puppet's installer script; install puppet-agent from a repository (yum_repos) with install_type: packages and package_name: puppet-agent");
        }

        if (install && installType != "packages")
        {
            // cloud-init warns and then neither installs nor runs the agent.
            context.Warnings.Add(new(Keel.Errors.Severity.Warning, Name, $"puppet.install_type '{installType}' is unknown; puppet not installed and not run"));
            run = false;
        }

        // Installing runs package scriptlets, and asking puppet for its paths or running the agent runs puppet: all in the root.
        var needsRoot = (install && installType == "packages") || confFile is null || sslDir is null || csrPath is null || run;
        if (needsRoot && !context.CanExecute)
        {
            context.Log.WriteLine($"{Name}: deferred to the first boot of the root (puppet is installed or run in it; use --execute to do it now)");
            return ModuleOutcome.Deferred;
        }

        if (!install && version is not null)
        {
            context.Log.WriteLine($"{Name}: install is false but a version is given; not installing");
        }
        else if (install && installType == "packages")
        {
            ConfigManagement.Install(context, Name, [version is { Length: > 0 } ? $"{package}-{version}" : package]);
        }

        confFile = ConfigPathCheck.Absolute(confFile ?? Print(context, bin, "config"), "puppet.conf_file");
        sslDir = ConfigPathCheck.Absolute(sslDir ?? Print(context, bin, "ssldir"), "puppet.ssl_dir");
        csrPath = ConfigPathCheck.Absolute(csrPath ?? Print(context, bin, "csr_attributes"), "puppet.csr_attributes_path");

        if (ConfigValues.Map(puppet, "conf", Name) is { } conf)
        {
            WriteConf(context, conf, confFile, sslDir, user);
        }

        if (puppet.ContainsKey("csr_attributes"))
        {
            context.Root.WriteText(csrPath, PyYamlDumper.Dump(puppet["csr_attributes"]!), FileMode);
        }

        if (start)
        {
            Autostart(context);
        }

        if (run)
        {
            List<string> argv = [bin, "agent"];
            argv.AddRange(puppet["exec_args"] switch
            {
                null => ["--test"],
                CloudList l => l.Items.Select((item, i) => ConfigManagement.PythonStr(item, $"puppet.exec_args.{i}")),
                CloudScalar { IsNull: false, Kind: ScalarKind.String } s => s.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
                var other => throw ConfigValues.WrongType(Name, "exec_args", other, "a list or a string"),
            });
            ConfigManagement.Output(context, argv);
        }

        if (start)
        {
            ConfigManagement.Act(context, "start", "puppet.service");
        }

        return ModuleOutcome.Done;
    }

    /// <summary>puppet.conf after cloud-init's handling of <c>conf</c>: the existing file read as Python's ConfigParser reads it (lines left-stripped), the sections set, written back in ConfigParser's format.</summary>
    public static string Merge(string existing, CloudMap conf, string instanceId, string fqdn)
    {
        var ini = Ini.Parse(existing);
        foreach (var (section, value) in ((CloudMap)ConfigManagement.Sorted(conf)).Entries)
        {
            if (section == "ca_cert")
            {
                continue;
            }

            Apply(ini, section, value, instanceId, fqdn);
        }

        return ini.Write();
    }

    private static void Apply(Ini ini, string section, CloudNode value, string instanceId, string fqdn)
    {
        if (value is not CloudMap options)
        {
            throw new InvalidDataException($"puppet.conf.{section} (line {value.Line}): must be a mapping of settings, not {value.TypeName}");
        }

        foreach (var (option, v) in options.Entries)
        {
            var text = ConfigManagement.PythonStr(v, $"puppet.conf.{section}.{option}");
            if (option == "certname")
            {
                text = v is CloudScalar { Kind: ScalarKind.String }
                    ? text.Replace("%f", fqdn, StringComparison.Ordinal).Replace("%i", instanceId, StringComparison.Ordinal).ToLowerInvariant()
                    : throw new InvalidDataException($"puppet.conf.{section}.certname: must be a string");
            }

            ini.Set(section, option, text);
        }
    }

    private void WriteConf(ModuleContext context, CloudMap conf, string confFile, string sslDir, string user)
    {
        var existing = context.Root.ReadAllTextOrNull(confFile)
            ?? throw new IOException($"{confFile}: does not exist (cloud-init reads the installed puppet.conf before changing it)");
        var ini = Ini.Parse(existing);
        var fqdn = HostnameResolver.Resolve(context)?.Fqdn ?? context.Instance.InstanceId;
        foreach (var (section, value) in conf.Entries)
        {
            if (section == "ca_cert")
            {
                var (uid, gid) = Owner(context, user);
                var certDir = sslDir.TrimEnd('/') + "/certs";
                context.Root.CreateDirectory(sslDir, (UnixFileMode)0x1f9);
                Chown(context, sslDir, uid, gid, (UnixFileMode)0x1f9);
                context.Root.CreateDirectory(certDir);
                Chown(context, certDir, uid, gid, null);
                var pem = ConfigValues.Text(conf, "ca_cert", Name) ?? "";
                context.Root.WriteText(certDir + "/ca.pem", pem, FileMode, uid, gid);
            }
            else
            {
                Apply(ini, section, value, context.Instance.InstanceId, fqdn);
            }

            // cloud-init renames and rewrites inside its loop: puppet.conf.old ends up as the file before the last section.
            var previous = context.Root.ReadAllBytesOrNull(confFile);
            if (previous is not null)
            {
                context.Root.WriteFile(confFile + ".old", previous, FileMode);
            }

            context.Root.WriteText(confFile, ini.Write(), FileMode);
        }

        context.Log.WriteLine($"{Name}: {confFile}: {string.Join(", ", conf.Entries.Select(e => e.Key))}");
    }

    private static (int Uid, int Gid) Owner(ModuleContext context, string user)
    {
        var accounts = context.LoadAccounts();
        var uid = accounts.FindUser(user)?.Uid ?? throw new IOException($"puppet.conf.ca_cert: user '{user}' does not exist in the root (the puppet package creates it)");
        var gid = accounts.FindGroup("root") ?? 0;
        return (uid, gid);
    }

    // Through a descriptor opened O_NOFOLLOW: owner and mode land on the directory itself, never on what a link names.
    private static void Chown(ModuleContext context, string dir, int uid, int gid, UnixFileMode? mode) =>
        NoFollow.Chown(context.Root, dir, uid, gid, mode);

    private static string Print(ModuleContext context, string bin, string setting) =>
        ConfigManagement.Output(context, [bin, "config", "print", setting]).TrimEnd();

    private static void Autostart(ModuleContext context)
    {
        // Debian's /etc/default/puppet switch, as cloud-init edits it; systemd units otherwise.
        if (context.Root.ReadAllTextOrNull("/etc/default/puppet") is { } defaults)
        {
            var lines = defaults.Split('\n').Select(l => l.StartsWith("START=", StringComparison.Ordinal) ? "START=yes" : l);
            context.Root.WriteText("/etc/default/puppet", string.Join('\n', lines), FileMode);
            return;
        }

        ConfigManagement.Enable(context, "puppet.service");
    }

    /// <summary>The part of Python's RawConfigParser cloud-init relies on: strict parsing, lower-cased option names, its write format.</summary>
    private sealed class Ini
    {
        private readonly List<(string Name, List<(string Key, string Value)> Options)> _sections = [];
        private readonly List<(string Key, string Value)> _defaults = [];

        public static Ini Parse(string text)
        {
            var ini = new Ini();
            List<(string Key, string Value)>? current = null;
            var lineNo = 0;
            foreach (var raw in text.Split('\n'))
            {
                lineNo++;
                var line = raw.TrimStart().TrimEnd('\r');
                var value = line.Trim();
                if (value.Length == 0 || value[0] is '#' or ';')
                {
                    continue;
                }

                if (value[0] == '[' && value.LastIndexOf(']') is var close and > 1)
                {
                    var name = value[1..close];
                    if (name == "DEFAULT")
                    {
                        current = ini._defaults;
                    }
                    else if (ini._sections.Any(s => s.Name == name))
                    {
                        throw new InvalidDataException($"puppet.conf line {lineNo}: section '{name}' already exists");
                    }
                    else
                    {
                        current = [];
                        ini._sections.Add((name, current));
                    }

                    continue;
                }

                if (current is null)
                {
                    throw new InvalidDataException($"puppet.conf line {lineNo}: file contains no section headers");
                }

                var at = line.IndexOfAny(['=', ':']);
                if (at < 0)
                {
                    throw new InvalidDataException($"puppet.conf line {lineNo}: not a 'name = value' line");
                }

                var key = line[..at].Trim().ToLowerInvariant();
                if (key.Length == 0)
                {
                    throw new InvalidDataException($"puppet.conf line {lineNo}: a value without a name");
                }

                if (current.Any(o => o.Key == key))
                {
                    throw new InvalidDataException($"puppet.conf line {lineNo}: option '{key}' already exists in its section");
                }

                current.Add((key, line[(at + 1)..].Trim()));
            }

            return ini;
        }

        public void Set(string section, string option, string value)
        {
            List<(string Key, string Value)> options;
            if (section == "DEFAULT")
            {
                options = _defaults;
            }
            else if (_sections.FirstOrDefault(s => s.Name == section) is { Options: not null } found)
            {
                options = found.Options;
            }
            else if (section.Equals("default", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"puppet.conf.{section}: no such section (only DEFAULT names the defaults)");
            }
            else
            {
                options = [];
                _sections.Add((section, options));
            }

            var key = option.ToLowerInvariant();
            var index = options.FindIndex(o => o.Key == key);
            if (index >= 0)
            {
                options[index] = (key, value);
            }
            else
            {
                options.Add((key, value));
            }
        }

        public string Write()
        {
            var sb = new StringBuilder();
            if (_defaults.Count > 0)
            {
                Section(sb, "DEFAULT", _defaults);
            }

            foreach (var (name, options) in _sections)
            {
                Section(sb, name, options);
            }

            return sb.ToString();
        }

        private static void Section(StringBuilder sb, string name, List<(string Key, string Value)> options)
        {
            sb.Append('[').Append(name).Append("]\n");
            foreach (var (key, value) in options)
            {
                sb.Append(key).Append(" = ").Append(value.Replace("\n", "\n\t", StringComparison.Ordinal)).Append('\n');
            }

            sb.Append('\n');
        }
    }
}
