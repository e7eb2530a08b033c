using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's salt_minion (final stage, per instance): salt-minion installed through dnf, the minion and grains files
/// written as cloud-init's safeyaml.dumps writes them, the minion key pair put in the pki directory (created 0700), and
/// the service enabled (offline in a target root) and, on the machine itself, restarted. Unlike cloud-init, which
/// leaves minion.pem at 0644, the private key is written 0600.
/// </summary>
public sealed class SaltMinionModule() : CloudConfigModule("salt_minion", Frequency.PerInstance, Stage.Final)
{
    private const UnixFileMode Public = (UnixFileMode)0x1a4;
    private const UnixFileMode Private = (UnixFileMode)0x180;
    private const UnixFileMode PrivateDir = (UnixFileMode)0x1c0;

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (!context.Config.ContainsKey("salt_minion"))
        {
            return ModuleOutcome.NothingToDo;
        }

        var salt = context.Config["salt_minion"] switch
        {
            CloudScalar { IsNull: true } => CloudMap.Empty,
            CloudMap m => (CloudMap)ConfigManagement.Sorted(m),
            var other => throw ConfigValues.WrongType(Name, "salt_minion", other!, "a mapping"),
        };
        var package = ConfigValues.Text(salt, "pkg_name", Name) ?? "salt-minion";
        var confDir = ConfigPathCheck.Absolute(ConfigValues.Text(salt, "config_dir", Name) ?? "/etc/salt", "salt_minion.config_dir");
        var service = ConfigValues.Text(salt, "service_name", Name) ?? "salt-minion";

        // cloud-init always asks the package manager (a no-op when installed); its scriptlets run in the root.
        if (!context.CanExecute)
        {
            context.Log.WriteLine($"{Name}: deferred to the first boot of the root (installing {package} runs its scriptlets; use --execute to install now)");
            return ModuleOutcome.Deferred;
        }

        ConfigManagement.Install(context, Name, [package]);
        context.Root.CreateDirectory(confDir);
        if (salt["conf"] is { } conf)
        {
            context.Root.WriteText(confDir + "/minion", PyYamlDumper.Dump(conf, indent: 4, explicitMarkers: true), Public);
        }

        if (salt["grains"] is { } grains)
        {
            context.Root.WriteText(confDir + "/grains", PyYamlDumper.Dump(grains, indent: 4, explicitMarkers: true), Public);
        }

        if (salt.ContainsKey("public_key") && salt.ContainsKey("private_key"))
        {
            var defaultPki = context.Root.Exists(confDir + "/pki/minion") ? confDir + "/pki/minion" : confDir + "/pki";
            var pki = ConfigPathCheck.Absolute(ConfigValues.Text(salt, "pki_dir", Name) ?? defaultPki, "salt_minion.pki_dir");
            context.Root.CreateDirectory(pki, PrivateDir);
            context.Root.WriteText(pki + "/minion.pub", Key(salt, "public_key"), Public);
            context.Root.WriteText(pki + "/minion.pem", Key(salt, "private_key"), Private);
            context.Log.WriteLine($"{Name}: minion keys written to {pki}");
        }

        ConfigManagement.Enable(context, service);
        ConfigManagement.Act(context, "restart", service);
        return ModuleOutcome.Done;
    }

    private string Key(CloudMap salt, string key) =>
        ConfigValues.Text(salt, key, Name) ?? throw new InvalidDataException($"salt_minion.{key}: must be the key's text");
}
