using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Merging;
using Keel.TargetSystem;

namespace Keel.Provisioning.Engine;

/// <summary>
/// The base configuration below vendor and user data: the root's /etc/cloud/cloud.cfg and cloud.cfg.d/*.cfg when the
/// image ships them (cloud-init's own files), else Keel's built-in default, which creates the default user "keel".
/// </summary>
public static class SystemConfig
{
    /// <summary>Keel's built-in base configuration.</summary>
    public const string BuiltIn = """
        users:
          - default
        system_info:
          distro: keel
          default_user:
            name: keel
            gecos: Keel default user
            groups: [wheel]
            sudo: ["ALL=(ALL) NOPASSWD:ALL"]
            shell: /bin/bash
            lock_passwd: true
        """;

    /// <summary>Loads the base configuration of <paramref name="root"/>; later cloud.cfg.d files override earlier ones.</summary>
    public static CloudMap Load(TargetRoot root, List<ProvisioningDiagnostic> diagnostics)
    {
        var main = root.ReadAllTextOrNull("/etc/cloud/cloud.cfg");
        if (main is null)
        {
            return YamlConfigReader.ParseMap(BuiltIn, "built-in system config");
        }

        var configs = new List<CloudMap>();
        TryAdd(main, "/etc/cloud/cloud.cfg");
        var dropins = root.Resolve("/etc/cloud/cloud.cfg.d");
        if (Directory.Exists(dropins))
        {
            foreach (var file in Directory.GetFiles(dropins, "*.cfg").Order(StringComparer.Ordinal))
            {
                TryAdd(File.ReadAllText(file), "/etc/cloud/cloud.cfg.d/" + Path.GetFileName(file));
            }
        }

        configs.Reverse();
        return ConfigMerge.MergeMany(configs);

        void TryAdd(string text, string name)
        {
            try
            {
                configs.Add(YamlConfigReader.ParseMap(text, name));
            }
            catch (Exception ex) when (YamlConfigReader.IsRefusal(ex))
            {
                diagnostics.Add(new(Severity.Error, name, ex.Message));
            }
        }
    }
}
