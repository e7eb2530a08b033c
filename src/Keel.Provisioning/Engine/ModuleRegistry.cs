using Keel.Provisioning.Modules;

namespace Keel.Provisioning.Engine;

/// <summary>The modules keel-agent runs, in cloud-init's cloud.cfg order within each stage.</summary>
public static class ModuleRegistry
{
    /// <summary>A fresh list of all modules.</summary>
    public static IReadOnlyList<IModule> All() =>
    [
        new SeedRandomModule(),
        new BootcmdModule(),
        new WriteFilesModule(deferred: false),
        new GrowpartModule(),
        new ResizefsModule(),
        new DiskSetupModule(),
        new MountsModule(),
        new SetHostnameModule(),
        new UpdateHostnameModule(),
        new UpdateEtcHostsModule(),
        new CaCertsModule(),
        new ResolvConfModule(),
        new RsyslogModule(),
        new UsersGroupsModule(),
        new SshModule(),
        new WireguardModule(),
        new KeyboardModule(),
        new LocaleModule(),
        new SetPasswordsModule(),
        new YumReposModule(),
        new NtpModule(),
        new TimezoneModule(),
        new RuncmdModule(),
        new PackageUpdateUpgradeInstallModule(),
        new WriteFilesModule(deferred: true),
        new PuppetModule(),
        new ChefModule(),
        new AnsibleModule(),
        new SaltMinionModule(),
        new ScriptsModule(vendor: true),
        new ScriptsPerModule("once"),
        new ScriptsPerModule("boot"),
        new ScriptsPerModule("instance"),
        new ScriptsModule(vendor: false),
        new SshAuthkeyFingerprintsModule(),
        new KeysToConsoleModule(),
        new PhoneHomeModule(),
        new FinalMessageModule(),
        new PowerStateModule(),
    ];
}
