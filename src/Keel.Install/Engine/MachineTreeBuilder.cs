using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Install.Boot;
using Keel.Install.Settings;
using Keel.Install.Storage;
using Keel.Repository.Cache;
using Keel.TargetSystem;

namespace Keel.Install.Engine;

/// <summary>The machine's files, split per filesystem and ready to be written, plus what was installed.</summary>
public sealed record MachineTree(IReadOnlyDictionary<string, string> Trees, IReadOnlyList<string> Packages, string KernelCommandLine);

/// <summary>
/// The part of the engine shared by `keel build` and `keel install`: packages, system settings and boot loader into a
/// staging root inside the work area, then one tree per filesystem of the layout.
/// </summary>
public static class MachineTreeBuilder
{
    /// <summary>Builds the tree for <paramref name="layout"/>; <paramref name="image"/> selects first-boot host keys and an empty machine-id.</summary>
    public static async Task<MachineTree> BuildAsync(
        LoadedConfig loaded, PackageRequest request, DiskLayout layout, bool image, WorkArea work, KeelCache? cache,
        long? sourceDateEpoch, IProgress<EngineEvent>? progress, CancellationToken cancellationToken)
    {
        var config = loaded.Config;
        var esp = layout.Partitions.FirstOrDefault(p => p.Planned.Role == "esp")?.Planned.MountPoint
            ?? throw new InvalidDataException($"{loaded.Source}: storage.partitions: no EFI system partition with a mount point; the machine could not boot");
        var now = sourceDateEpoch is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : DateTimeOffset.UtcNow;

        var rootPath = Path.Combine(work.Path, "root");
        var installed = await new PackageInstallStep(new PackageInstallOptions { Cache = cache, SourceDateEpoch = sourceDateEpoch })
            .RunAsync(loaded, request, rootPath, progress, cancellationToken).ConfigureAwait(false);
        var root = new TargetRoot(rootPath);

        var fstab = layout.Partitions.Select(p => p.Fstab).OfType<FstabEntry>().ToList();
        await SystemSettingsStep.RunAsync(root, config, request, new SystemSettingsContext(image, fstab, now), progress, cancellationToken).ConfigureAwait(false);

        // The boot loader step reports only when done; begin it here so its duration is its own.
        (progress as EngineSteps)?.Begin("boot.install");
        var rootFs = layout.Root.Filesystem;
        var encryption = RootEncryption.For(loaded, layout);
        var boot = new BootSettings(rootFs.Uuid, rootFs.Type, esp, sourceDateEpoch);
        string uki;
        if (encryption is null)
        {
            uki = await BootLoaderStep.RunAsync(root, config, boot, work.Path, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            encryption.Prepare(root);
            boot = boot with
            {
                KernelArguments = encryption.KernelArguments,
                InitramfsIncludes = [new InitramfsInclude(RootEncryption.StagedKeyPath, RootEncryption.KeyPathInInitramfs)],
            };
            try
            {
                uki = await BootLoaderStep.RunAsync(root, config, boot, work.Path, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                RootEncryption.RemoveStagedKey(root);
            }
        }

        var cmdline = BootLoaderStep.CommandLine(config, boot);
        progress?.Report(new ProgressEvent("boot.install", $"systemd-boot and {uki}; kernel command line: {cmdline}", 1, 1));

        var trees = TreeSplitter.Split(rootPath, layout.Partitions.Select(p => p.Planned.MountPoint).OfType<string>(), work.Path);
        var packages = installed.Installed.Select(p => $"{p.Name}-{p.Evr.Version}-{p.Evr.Release}.{p.Arch}").Order(StringComparer.Ordinal).ToList();
        return new MachineTree(trees, packages, cmdline);
    }
}
