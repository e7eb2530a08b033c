using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Install.Devices;
using Keel.Progress;
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

    /// <summary>Signs the image manifest; null: unsigned.</summary>
    public Signing.GpgSigner? ManifestSigner { get; init; }
}

/// <summary>What an install did.</summary>
public sealed record DeviceInstallResult(string Device, long SizeBytes, IReadOnlyList<string> Packages, string KernelCommandLine);

/// <summary>
/// `keel install` in one call: plan onto the device (every target refusal thrown before anything is downloaded) and
/// execute that plan at once. The tree is staged first, in a work area under the temporary directory, so the disk is
/// only touched once everything it will hold is ready.
/// </summary>
public sealed class DeviceInstaller(DeviceInstallOptions options)
{
    /// <summary>Installs; refuses a device the guard or the target rules reject before writing anything.</summary>
    public async Task<DeviceInstallResult> InstallAsync(LoadedConfig loaded, PackageRequest request, IProgress<EngineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        var engine = new InstallEngine(new EngineOptions { Cache = options.Cache, SourceDateEpoch = options.SourceDateEpoch, Guard = options.Guard, ManifestSigner = options.ManifestSigner });
        var plan = engine.PlanDevice(loaded, request, options.Device);
        var result = await engine.ExecuteAsync(plan, progress, cancellationToken).ConfigureAwait(false);
        return new DeviceInstallResult(options.Device, result.Target.SizeBytes, result.Packages, result.KernelCommandLine);
    }
}
