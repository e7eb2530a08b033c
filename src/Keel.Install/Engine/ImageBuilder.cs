using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Progress;

namespace Keel.Install.Engine;

/// <summary>
/// `keel build` in one call: plan an image and execute that plan at once (no confirmation in between). The machine's
/// tree is built in a staging directory, split per filesystem and written into a partial image with mkfs -d and mtools;
/// the partial image is converted and renamed to the output only when complete. Nothing is mounted on the host.
/// </summary>
public sealed class ImageBuilder(ImageBuildOptions options)
{
    /// <summary>Plans and runs every step; on any failure the output is untouched and the scratch files are gone.</summary>
    public async Task<ImageBuildResult> BuildAsync(LoadedConfig loaded, PackageRequest request, IProgress<EngineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        var engine = new InstallEngine(new EngineOptions { Cache = options.Cache, SourceDateEpoch = options.SourceDateEpoch, ManifestSigner = options.ManifestSigner, Pin = options.Pin });
        var plan = engine.PlanImage(loaded, request, options.Output, options.Format);
        var result = await engine.ExecuteAsync(plan, progress, cancellationToken).ConfigureAwait(false);
        var target = result.Target;
        return new ImageBuildResult(target.Path, target.Format!.Value, target.SizeBytes, result.Packages, result.KernelCommandLine);
    }
}
