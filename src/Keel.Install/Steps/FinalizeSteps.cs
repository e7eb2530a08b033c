using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.DiskImages;
using Keel.Install.Planning;

namespace Keel.Install.Steps;

/// <summary>finalize.cleanup: the staging tree removed (on failure the run removes it too).</summary>
public sealed class FinalizeCleanupStep() : SynchronousStep("finalize.cleanup", "Release and clean up")
{
    public override IEnumerable<string> Details(PlanningContext plan) => ["remove the staging tree; end every process the engine started (also on failure)"];

    protected override string Apply(InstallRun run)
    {
        run.Work?.Dispose();
        return run.Plan.Target.Kind == PlanTargetKind.Image ? "staging tree removed" : "staging tree removed; partitions flushed";
    }
}

/// <summary>output.convert (images only): the partial image converted by qemu-img, or renamed when raw, onto the output.</summary>
public sealed class OutputConvertStep() : InstallStep("output.convert", "Write the output")
{
    public override bool AppliesTo(PlanningContext plan) => plan.Image;

    public override IEnumerable<string> Details(PlanningContext plan) =>
        [$"convert to {ConfigNames.EnumValue(plan.Target.Format ?? ImageFormat.Raw)}", $"rename {plan.Work} to {plan.Target.Path}", plan.Config.Seed is null ? "UUIDs random" : "UUIDs derived from the seed"];

    public override IEnumerable<DestructiveOperation> Destructive(PlanningContext plan) =>
        [new DestructiveOperation(DestructiveKind.ReplaceFile, plan.Target.Path, File.Exists(plan.Target.Path) ? $"replace the existing {plan.Target.Path}" : $"create {plan.Target.Path}")];

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        var output = run.Plan.Target.Path;
        var partial = run.Plan.Target.WritePath;
        var format = run.Plan.Target.Format ?? ImageFormat.Raw;
        if (format == ImageFormat.Raw)
        {
            File.Move(partial, output, overwrite: true);
        }
        else
        {
            await ImageConverter.ConvertAsync(partial, output, ConfigNames.EnumValue(format), run.Options.SourceDateEpoch, cancellationToken).ConfigureAwait(false);
        }

        run.Report($"wrote {output}");
    }
}
