using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Planning;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.DiskImages;
using Keel.Install.Storage;

namespace Keel.Install.Engine;

/// <summary>
/// `keel build`: config + repository → bootable disk image. The machine's tree is built in a staging directory (packages,
/// system settings, boot loader), split into one tree per filesystem, and written into a partial image with mkfs -d and
/// mtools; the partial image is converted and renamed to the output only when complete. Nothing is mounted on the host.
/// </summary>
public sealed class ImageBuilder
{
    private readonly ImageBuildOptions _options;

    public ImageBuilder(ImageBuildOptions options) => _options = options;

    /// <summary>Runs every step of the plan; on any failure the output is untouched and the scratch files are gone.</summary>
    public async Task<ImageBuildResult> BuildAsync(LoadedConfig loaded, PackageRequest request, IProgress<EngineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(request);
        var config = loaded.Config;
        var output = Path.GetFullPath(_options.Output);
        var format = Planner.FormatFor(output, _options.Format ?? config.Output.Format);
        var size = ByteSize.TryParse(config.Output.Size, out _, out _) is { IsPercent: false } parsed ? parsed.Bytes
            : throw new InvalidDataException($"{loaded.Source}: output.size: '{config.Output.Size}' is not a size");
        CheckOutput(output);
        var plan = Planner.Build(loaded, request, new PlanTarget(PlanTargetKind.Image, output, size, format));
        var layout = DiskLayout.From(plan.Partitions, config.Seed, _options.SourceDateEpoch);
        var steps = new EngineSteps(progress);
        steps.Plan(plan.Steps.Select(s => s.Id).ToList());
        return await steps.RunAsync("storage.check", () => RunStepsAsync(loaded, request, output, format, size, layout, steps, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<ImageBuildResult> RunStepsAsync(LoadedConfig loaded, PackageRequest request, string output, ImageFormat format, long size,
        DiskLayout layout, EngineSteps progress, CancellationToken cancellationToken)
    {
        progress.Report(new ProgressEvent("storage.check", $"{output}: {ByteSize.Format(size)} {ConfigNames.EnumValue(format)} image, {layout.Partitions.Count} partitions", 1, 1));

        var partial = output + Planner.PartialSuffix;
        using var work = WorkArea.Create(output);
        try
        {
            var tree = await MachineTreeBuilder.BuildAsync(loaded, request, layout, image: true, work, _options.Cache, _options.SourceDateEpoch, progress, cancellationToken).ConfigureAwait(false);
            File.Delete(partial);
            await DiskWriter.WriteAsync(partial, size, layout, tree.Trees, device: false, progress, cancellationToken).ConfigureAwait(false);
            work.Dispose();
            progress.Report(new ProgressEvent("finalize.cleanup", "staging tree removed", 1, 1));

            if (format == ImageFormat.Raw)
            {
                File.Move(partial, output, overwrite: true);
            }
            else
            {
                await ImageConverter.ConvertAsync(partial, output, ConfigNames.EnumValue(format), _options.SourceDateEpoch, cancellationToken).ConfigureAwait(false);
            }

            progress.Report(new ProgressEvent("output.convert", $"wrote {output}", 1, 1));
            return new ImageBuildResult(output, format, size, tree.Packages, tree.KernelCommandLine);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static void CheckOutput(string output)
    {
        if (Directory.Exists(output))
        {
            throw new IOException($"{output}: is a directory; give an image file name (e.g. disk.qcow2)");
        }

        var dir = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"{output}: directory {dir} does not exist");
        }
    }
}
