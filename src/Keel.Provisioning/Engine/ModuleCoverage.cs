using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Schema;

namespace Keel.Provisioning.Engine;

/// <summary>How far keel-agent implements one cloud-init module.</summary>
public enum ModuleSupport
{
    /// <summary>Implemented with cloud-init's semantics.</summary>
    Supported,

    /// <summary>Implemented, but some options are not: those are reported when used.</summary>
    Partial,

    /// <summary>Makes no sense on an RPM distribution (apt, snap, Ubuntu services ...).</summary>
    NotApplicable,

    /// <summary>Not implemented (yet).</summary>
    NotImplemented,
}

/// <summary>
/// One cloud-init 22.4.2 module as keel-agent sees it: the top-level keys that configure it, how far it is implemented,
/// and for a partial module the options (dotted under a key; "*" stands for every list item) it does not apply.
/// </summary>
public sealed record ModuleCoverageEntry(string Module, ModuleSupport Support, IReadOnlyList<string> Keys, string Note,
    IReadOnlyDictionary<string, string>? UnsupportedOptions = null);

/// <summary>
/// The table of every cloud-init 22.4.2 module (cloudinit/config/cc_*.py) and keel-agent's support for it, and the check
/// that turns a config using something keel-agent does not apply into findings naming the key: never a silent skip.
/// docs/provisioning.md's module table is compared with this one (and this one with the embedded schema) by a test.
/// </summary>
public static class ModuleCoverage
{
    /// <summary>Keel's own top-level key: <c>keel_agent: {strict: true}</c> makes every finding an error before any module runs.</summary>
    public const string KeelKey = "keel_agent";

    private const string Rpm = "not applicable on an RPM distribution";

    /// <summary>Every cloud-init 22.4.2 module, by name.</summary>
    public static IReadOnlyList<ModuleCoverageEntry> Entries { get; } =
    [
        new("ansible", ModuleSupport.Partial, ["ansible"], "install_method distro (dnf), galaxy actions, ansible-pull",
            new Dictionary<string, string>
            {
                ["ansible.run_user"] = "only used with install_method pip, which keel-agent does not support (it fails the module)",
                ["ansible.setup_controller"] = "repositories are not cloned and ansible-playbook is not run (it fails the module)",
            }),
        new("apk_configure", ModuleSupport.NotApplicable, ["apk_repos"], Rpm + " (Alpine's apk)"),
        new("apt_configure", ModuleSupport.NotApplicable, ["apt"], Rpm + " (Debian's apt; use yum_repos)"),
        new("apt_pipelining", ModuleSupport.NotApplicable, ["apt_pipelining"], Rpm + " (Debian's apt)"),
        new("bootcmd", ModuleSupport.Supported, ["bootcmd"], ""),
        new("byobu", ModuleSupport.NotImplemented, ["byobu_by_default"], "not yet"),
        new("ca_certs", ModuleSupport.Supported, ["ca_certs", "ca-certs"], "RPM: /etc/pki/ca-trust/source/anchors + update-ca-trust; debian/ubuntu: cloud-init's layout"),
        new("chef", ModuleSupport.Partial, ["chef"], "install_type packages (dnf); validation.pem 0600",
            new Dictionary<string, string>
            {
                ["chef.omnibus_url"] = "the omnibus installer is not downloaded (install_type omnibus fails the module)",
                ["chef.omnibus_url_retries"] = "the omnibus installer is not downloaded (install_type omnibus fails the module)",
                ["chef.omnibus_version"] = "the omnibus installer is not downloaded (install_type omnibus fails the module)",
            }),
        new("disable_ec2_metadata", ModuleSupport.NotImplemented, ["disable_ec2_metadata"], "not yet"),
        new("disk_setup", ModuleSupport.Partial, ["disk_setup", "fs_setup", "device_aliases"], "gpt (sgdisk), mbr (sfdisk), mkfs with label; an existing filesystem is kept unless overwrite: true",
            new Dictionary<string, string> { ["fs_setup.*.cmd"] = "a shell command line is not run: give filesystem and extra_opts" }),
        new("fan", ModuleSupport.NotApplicable, ["fan"], Rpm + " (Ubuntu FAN networking)"),
        new("final_message", ModuleSupport.Supported, ["final_message"], ""),
        new("growpart", ModuleSupport.Supported, ["growpart"], "cloud-utils' growpart; mode gpart is FreeBSD's"),
        new("grub_dpkg", ModuleSupport.NotApplicable, ["grub_dpkg", "grub-dpkg"], Rpm + " (Debian's debconf for grub-pc)"),
        new("install_hotplug", ModuleSupport.NotImplemented, ["updates"], "not yet"),
        new("keyboard", ModuleSupport.Supported, ["keyboard"], "localectl set-x11-keymap; a target root gets systemd-localed's 00-keyboard.conf and vconsole.conf"),
        new("keys_to_console", ModuleSupport.Supported, ["ssh", "ssh_fp_console_blacklist", "ssh_key_console_blacklist"], "to the agent's log (the units' console)"),
        new("landscape", ModuleSupport.NotApplicable, ["landscape"], Rpm + " (Canonical Landscape client)"),
        new("locale", ModuleSupport.Supported, ["locale", "locale_configfile"], ""),
        new("lxd", ModuleSupport.NotApplicable, ["lxd"], Rpm + " (LXD comes as an Ubuntu snap)"),
        new("mcollective", ModuleSupport.NotImplemented, ["mcollective"], "not yet"),
        new("migrator", ModuleSupport.NotApplicable, ["migrate"], "not needed: keel-agent has no older cloud-init semaphore names to migrate"),
        new("mounts", ModuleSupport.Supported, ["mounts", "mount_default_fields", "swap"], "x-systemd.requires=keel-agent.service; metadata device names (ephemeral0, swap) are not mapped: warned, written as given"),
        new("ntp", ModuleSupport.Partial, ["ntp"], "chrony only",
            new Dictionary<string, string> { ["ntp.config.template"] = "Jinja templates are not rendered: give servers and pools" }),
        new("package_update_upgrade_install", ModuleSupport.Supported, ["packages", "package_update", "package_upgrade", "package_reboot_if_required", "apt_update", "apt_upgrade", "apt_reboot_if_required"], "through dnf"),
        new("phone_home", ModuleSupport.Supported, ["phone_home"], ""),
        new("power_state_change", ModuleSupport.Supported, ["power_state"], ""),
        new("puppet", ModuleSupport.Partial, ["puppet"], "install_type packages (dnf), puppet.conf, ca_cert, csr_attributes, puppet.service",
            new Dictionary<string, string>
            {
                ["puppet.aio_install_url"] = "the AIO installer script is not downloaded (install_type aio with install: true fails the module)",
                ["puppet.collection"] = "the AIO installer script is not downloaded (install_type aio with install: true fails the module)",
                ["puppet.cleanup"] = "the AIO installer script is not downloaded (install_type aio with install: true fails the module)",
            }),
        new("refresh_rmc_and_interface", ModuleSupport.NotApplicable, [], Rpm + " image on x86-64 (IBM PowerVM RMC); no config key"),
        new("reset_rmc", ModuleSupport.NotApplicable, [], Rpm + " image on x86-64 (IBM PowerVM RMC); no config key"),
        new("resizefs", ModuleSupport.Supported, ["resize_rootfs"], "ext2/3/4, xfs, btrfs; noblock runs in the foreground"),
        new("resolv_conf", ModuleSupport.Supported, ["manage_resolv_conf", "resolv_conf"], "a symlinked /etc/resolv.conf is written through, as cloud-init does"),
        new("rh_subscription", ModuleSupport.NotApplicable, ["rh_subscription"], Rpm + " other than RHEL (Red Hat subscription-manager)"),
        new("rightscale_userdata", ModuleSupport.NotApplicable, [], "RightScale's EC2 user data; no config key"),
        new("rsyslog", ModuleSupport.Supported, ["rsyslog"], "configs and remotes in /etc/rsyslog.d; reloaded on the machine itself only"),
        new("runcmd", ModuleSupport.Supported, ["runcmd"], ""),
        new("salt_minion", ModuleSupport.Supported, ["salt_minion"], "through dnf; minion.pem 0600 (cloud-init: 0644); salt-minion enabled, restarted on the machine itself"),
        new("scripts_per_boot", ModuleSupport.Supported, [], "no config key: /var/lib/cloud/scripts/per-boot"),
        new("scripts_per_instance", ModuleSupport.Supported, [], "no config key: /var/lib/cloud/scripts/per-instance"),
        new("scripts_per_once", ModuleSupport.Supported, [], "no config key: /var/lib/cloud/scripts/per-once"),
        new("scripts_user", ModuleSupport.Supported, [], "no config key: the #! parts of user data"),
        new("scripts_vendor", ModuleSupport.Partial, ["vendor_data"], "vendor_data.enabled",
            new Dictionary<string, string> { ["vendor_data.prefix"] = "a prefix command for vendor scripts is not applied" }),
        new("seed_random", ModuleSupport.Supported, ["random_seed"], "the datasource's random_seed meta-data is not read (keel-agent's datasources do not supply one)"),
        new("set_hostname", ModuleSupport.Supported, ["hostname", "fqdn", "prefer_fqdn_over_hostname", "preserve_hostname"], ""),
        new("set_passwords", ModuleSupport.Partial, ["chpasswd", "password", "ssh_pwauth"], "crypt hashes only",
            new Dictionary<string, string> { ["password"] = "a plain-text password for the default user is refused: give a crypt hash in chpasswd.users" }),
        new("snap", ModuleSupport.NotApplicable, ["snap"], Rpm + " (Ubuntu's snapd)"),
        new("spacewalk", ModuleSupport.NotImplemented, ["spacewalk"], "not yet"),
        new("ssh", ModuleSupport.Partial, ["ssh_authorized_keys", "ssh_deletekeys", "ssh_genkeytypes", "ssh_keys", "disable_root", "disable_root_opts", "allow_public_ssh_keys", "ssh_quiet_keygen", "ssh_publish_hostkeys"], "host keys, root and default user keys",
            new Dictionary<string, string> { ["ssh_publish_hostkeys"] = "host keys are not published to the datasource (no datasource keel-agent reads accepts them)" }),
        new("ssh_authkey_fingerprints", ModuleSupport.Supported, ["no_ssh_fingerprints", "authkey_hash"], "fingerprints in the agent's log (the console on a boot), not in cloud-init's table layout"),
        new("ssh_import_id", ModuleSupport.NotImplemented, ["ssh_import_id"], "not yet (fetches keys from Launchpad or GitHub)"),
        new("timezone", ModuleSupport.Supported, ["timezone"], ""),
        new("ubuntu_advantage", ModuleSupport.NotApplicable, ["ubuntu_advantage"], Rpm + " (Ubuntu Pro)"),
        new("ubuntu_autoinstall", ModuleSupport.NotApplicable, ["autoinstall"], Rpm + " (Ubuntu's subiquity installer)"),
        new("ubuntu_drivers", ModuleSupport.NotApplicable, ["drivers"], Rpm + " (Ubuntu's ubuntu-drivers)"),
        new("update_etc_hosts", ModuleSupport.Supported, ["manage_etc_hosts"], ""),
        new("update_hostname", ModuleSupport.Supported, [], "same keys as set_hostname"),
        new("users_groups", ModuleSupport.Partial, ["users", "groups", "user"], "accounts, groups, sudo, keys",
            new Dictionary<string, string>
            {
                ["users.*.plain_text_passwd"] = "plain-text passwords are refused: give a crypt hash in passwd or hashed_passwd",
                ["users.*.lock-passwd"] = "the deprecated spelling is not read: use lock_passwd",
                ["users.*.expiredate"] = "account expiry is not set",
                ["users.*.inactive"] = "password inactivity is not set",
                ["users.*.selinux_user"] = "SELinux user mapping is not set",
                ["users.*.snapuser"] = Rpm + " (snap users)",
                ["users.*.ssh_import_id"] = "keys are not imported from Launchpad or GitHub",
                ["users.*.ssh_redirect_user"] = "key redirection is not applied",
            }),
        new("wireguard", ModuleSupport.Supported, ["wireguard"], "wireguard-tools through dnf; a target root: enabled offline, started and probed on first boot"),
        new("write_files", ModuleSupport.Supported, ["write_files"], ""),
        new("write_files_deferred", ModuleSupport.Supported, [], "same key as write_files (defer: true)"),
        new("yum_add_repo", ModuleSupport.Supported, ["yum_repos", "yum_repo_dir"], ""),
        new("zypper_add_repo", ModuleSupport.NotApplicable, ["zypper"], Rpm + " using dnf (openSUSE's zypper; use yum_repos)"),
    ];

    /// <summary>The entry for a module name, or null.</summary>
    public static ModuleCoverageEntry? ForModule(string module) => Entries.FirstOrDefault(e => e.Module == module);

    /// <summary>The module a top-level key configures (the first that names it), or null for keys no module reads.</summary>
    public static ModuleCoverageEntry? ForKey(string key) => Entries.FirstOrDefault(e => e.Keys.Contains(key, StringComparer.Ordinal));

    /// <summary>Whether <paramref name="config"/> asks for all or nothing: <c>keel_agent: {strict: true}</c>.</summary>
    public static bool IsStrict(CloudMap config) => config[KeelKey] is CloudMap keel && keel.GetBool("strict", false);

    /// <summary>
    /// Everything in <paramref name="config"/> that keel-agent will not apply: keys of modules that are not implemented or
    /// not applicable, and unsupported options of partial modules; each names the key (dotted path) and its line.
    /// </summary>
    public static List<SchemaIssue> Check(CloudMap config, Severity severity = Severity.Warning)
    {
        var findings = new List<SchemaIssue>();
        foreach (var (key, value) in config.Entries)
        {
            var entry = ForKey(key);
            if (entry is null)
            {
                continue;
            }

            var line = config.KeyLine(key);
            switch (entry.Support)
            {
                case ModuleSupport.NotImplemented:
                    findings.Add(new(severity, key, line, $"module {entry.Module} is not implemented by keel-agent; not applied"));
                    break;
                case ModuleSupport.NotApplicable:
                    findings.Add(new(severity, key, line, $"module {entry.Module} is {entry.Note}; not applied"));
                    break;
                case ModuleSupport.Partial:
                    foreach (var (option, why) in entry.UnsupportedOptions ?? new Dictionary<string, string>())
                    {
                        foreach (var (path, optionLine) in Find(key, value, line, option))
                        {
                            findings.Add(new(severity, path, optionLine, $"{entry.Module}: option not supported by keel-agent ({why}); ignored"));
                        }
                    }

                    break;
            }
        }

        return findings;
    }

    private static IEnumerable<(string Path, int Line)> Find(string key, CloudNode value, int keyLine, string option)
    {
        var parts = option.Split('.');
        if (parts[0] != key)
        {
            yield break;
        }

        if (value is CloudScalar { IsNull: true } or CloudScalar { Kind: ScalarKind.Boolean, Text: "false" } && parts.Length == 1)
        {
            yield break;
        }

        var frontier = new List<(string Path, CloudNode Node, int Line)> { (key, value, keyLine) };
        foreach (var part in parts.Skip(1))
        {
            var next = new List<(string, CloudNode, int)>();
            foreach (var (path, node, _) in frontier)
            {
                if (part == "*" && node is CloudList list)
                {
                    next.AddRange(list.Items.Select((item, i) => ($"{path}.{i}", item, item.Line)));
                }
                else if (node is CloudMap map && map[part] is { } child)
                {
                    next.Add(($"{path}.{part}", child, map.KeyLine(part)));
                }
            }

            frontier = next;
        }

        foreach (var (path, _, line) in frontier)
        {
            yield return (path, line);
        }
    }
}
