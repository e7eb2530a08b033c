namespace Keel.Install.Steps;

/// <summary>
/// Every step of the engine, in the order it runs them. Adding a step means writing one <see cref="InstallStep"/> class
/// and adding one line here; the plan, `keel plan`, the progress stream and the runner all follow this list. The tree is
/// built in a staging directory first and the filesystems are made from it last (mkfs -d, mtools), so nothing is mounted.
/// </summary>
public static class InstallSteps
{
    /// <summary>The steps in run order; those that do not apply to a plan are left out of it. The step objects hold no state.</summary>
    public static readonly IReadOnlyList<InstallStep> Ordered =
    [
        new StorageCheckStep(),
        new PackagesResolveStep(),
        new PackagesDownloadStep(),
        new PackagesInstallStep(),
        new ImageManifestStep(),
        new HostnameStep(),
        new LocaleStep(),
        new KeyboardStep(),
        new TimezoneStep(),
        new UsersStep(),
        new SshStep(),
        new SelinuxStep(),
        new FilesStep(),
        new ServicesStep(),
        new RepositoriesStep(),
        new FstabStep(),
        new MachineIdStep(),
        new BootInstallStep(),
        new InstallRecordStep(),
        new StoragePartitionStep(),
        new StorageFormatStep(),
        new StorageEncryptStep(),
        new FinalizeCleanupStep(),
        new OutputConvertStep(),
    ];

    /// <summary>Every step id, in run order (stable: they are the progress stream's step ids).</summary>
    public static IReadOnlyList<string> Ids { get; } = [.. Ordered.Select(s => s.Id)];
}
