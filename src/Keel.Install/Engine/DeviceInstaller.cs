using Keel.Config.Loading;
using Keel.Config.Planning;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Install.Devices;
using Keel.Install.Storage;
using Keel.Repository.Cache;

namespace Keel.Install.Engine;

/// <summary>Settings of one `keel install`.</summary>
public sealed record DeviceInstallOptions
{
    /// <summary>The whole disk to install onto; everything on it is erased.</summary>
    public required string Device { get; init; }

    public KeelCache? Cache { get; init; }

    public long? SourceDateEpoch { get; init; }

    /// <summary>Checks the device before anything is written; null: the real /proc and /sys.</summary>
    public InstallTargetGuard? Guard { get; init; }
}

/// <summary>What an install did.</summary>
public sealed record DeviceInstallResult(string Device, long SizeBytes, IReadOnlyList<string> Packages, string KernelCommandLine);

/// <summary>
/// `keel install`: the same engine as `keel build`, onto a disk. The tree is staged first (in a work area under the
/// temporary directory), so the disk is only touched once everything it will hold is ready; then GPT and filesystems are
/// written: the partition table to the device, each filesystem to its partition device.
/// </summary>
public sealed class DeviceInstaller(DeviceInstallOptions options)
{
    /// <summary>Installs; refuses a device the guard rejects before writing anything.</summary>
    public async Task<DeviceInstallResult> InstallAsync(LoadedConfig loaded, PackageRequest request, IProgress<EngineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(request);
        var config = loaded.Config;
        if (config.Storage.Encryption is not null)
        {
            throw new NotSupportedException($"{loaded.Source}: storage.encryption: LUKS2 is supported by keel build (encrypted on first boot), not yet by keel install");
        }

        var guard = options.Guard ?? new InstallTargetGuard();
        var device = guard.Check(options.Device, minimumBytes: DiskLister.MinimumBytes(config.Storage));
        var plan = Planner.Build(loaded, request, new PlanTarget(PlanTargetKind.Device, options.Device, device.SizeBytes, null));
        var layout = DiskLayout.From(plan.Partitions, config.Seed, options.SourceDateEpoch);
        var steps = new EngineSteps(progress);
        steps.Plan(plan.Steps.Select(s => s.Id).ToList());
        return await steps.RunAsync("storage.check", () => RunStepsAsync(loaded, request, guard, device, layout, steps, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<DeviceInstallResult> RunStepsAsync(LoadedConfig loaded, PackageRequest request, InstallTargetGuard guard, BlockDeviceInfo device,
        DiskLayout layout, EngineSteps progress, CancellationToken cancellationToken)
    {
        progress.Report(new ProgressEvent("storage.check", $"{options.Device}: {ByteSize.Format(device.SizeBytes)}, not mounted or in use; {layout.Partitions.Count} partitions", 1, 1));

        using var work = WorkArea.Create(Path.Combine(Path.GetTempPath(), "keel-install-" + device.Name));
        var tree = await MachineTreeBuilder.BuildAsync(loaded, request, layout, image: false, work, options.Cache, options.SourceDateEpoch, progress, cancellationToken).ConfigureAwait(false);

        // Checked again: the disk may have been mounted while the packages were downloading.
        guard.Check(options.Device);
        await DiskWriter.WriteAsync(options.Device, device.SizeBytes, layout, tree.Trees, device: true, progress, cancellationToken).ConfigureAwait(false);
        // Flush what mkfs wrote through the partition devices; partx (not BLKRRPART) keeps the kernel's view of the new
        // partitions, also on kernels that cannot parse GPT themselves.
        await Processes.StepTool.RunAsync("storage.format", "blockdev", ["--flushbufs", options.Device], cancellationToken, debianPackage: "util-linux").ConfigureAwait(false);
        await Processes.StepTool.RunAsync("storage.format", "partx", ["--update", options.Device], cancellationToken, debianPackage: "util-linux").ConfigureAwait(false);
        work.Dispose();
        progress.Report(new ProgressEvent("finalize.cleanup", "staging tree removed; partitions flushed", 1, 1));
        return new DeviceInstallResult(options.Device, device.SizeBytes, tree.Packages, tree.KernelCommandLine);
    }
}
