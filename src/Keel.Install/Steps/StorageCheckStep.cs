using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Validation;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Install.Planning;

namespace Keel.Install.Steps;

/// <summary>storage.check: the output path or the device is checked again and the work area is made.</summary>
public sealed class StorageCheckStep() : InstallStep("storage.check", "Check the output")
{
    public override string TitleFor(PlanningContext plan) => plan.Image ? Title : "Check the device";

    public override IEnumerable<string> Details(PlanningContext plan)
    {
        var size = ByteSize.Format(plan.Target.SizeBytes);
        return plan.Image
            ? [$"write {plan.Work} ({size}, sparse) in {Path.GetDirectoryName(Path.GetFullPath(plan.Target.Path))}"]
            : [$"{plan.Target.Path} ({size}) must not be mounted, in use, hold the running system or the install medium, or be smaller than the layout"];
    }

    public override IEnumerable<DestructiveOperation> Destructive(PlanningContext plan) => plan.Image
        ? [new DestructiveOperation(DestructiveKind.CreateFile, plan.Work, $"create {plan.Work} ({ByteSize.Format(plan.Target.SizeBytes)}); it replaces {plan.Target.Path} only when complete", plan.Target.SizeBytes)]
        : [];

    public override Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        var target = run.Plan.Target;
        var partitions = run.Layout.Partitions.Count;
        if (target.Kind == PlanTargetKind.Image)
        {
            CheckOutput(target.Path);
            run.Work = WorkArea.Create(target.Path);
            run.Report($"{target.Path}: {ByteSize.Format(target.SizeBytes)} {ConfigNames.EnumValue(target.Format ?? ImageFormat.Raw)} image, {partitions} partitions");
        }
        else
        {
            var device = (run.Options.Guard ?? new InstallTargetGuard()).Check(target.Path, run.Options.MediumPath, DiskLister.MinimumBytes(run.Config.Storage));
            run.Work = WorkArea.Create(Path.Combine(Path.GetTempPath(), "keel-install-" + device.Name));
            run.Report($"{target.Path}: {ByteSize.Format(device.SizeBytes)}, not mounted or in use; {partitions} partitions");
        }

        return Task.CompletedTask;
    }

    /// <summary>Refuses an output that is a directory or lies in a directory that does not exist.</summary>
    internal static void CheckOutput(string output)
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
