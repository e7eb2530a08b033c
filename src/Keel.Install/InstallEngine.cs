using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Install.Steps;
using Keel.Progress;

namespace Keel.Install;

/// <summary>What an executed plan made: the target, the installed packages (NAME-VERSION-RELEASE.ARCH, sorted) and the kernel command line.</summary>
public sealed record InstallResult(PlanTarget Target, IReadOnlyList<string> Packages, string KernelCommandLine);

/// <summary>
/// The engine every front end drives: plan (decide everything, touch nothing), show and confirm the plan, then execute
/// exactly that plan. Executing refuses with plan-stale when the config, a file it references or the target changed
/// since the plan was made (checked before the first step and again before the first destructive one).
/// </summary>
public sealed class InstallEngine(EngineOptions? options = null)
{
    private readonly EngineOptions _options = options ?? new EngineOptions();

    /// <summary>Plans a `keel build` into <paramref name="output"/>; <paramref name="format"/> null: the config's, else the extension's.</summary>
    public Plan PlanImage(LoadedConfig loaded, PackageRequest request, string output, ImageFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var full = Path.GetFullPath(output);
        StorageCheckStep.CheckOutput(full);
        var size = ByteSize.TryParse(loaded.Config.Output.Size, out _, out _) is { IsPercent: false } parsed ? parsed.Bytes
            : throw new InvalidDataException($"{loaded.Source}: output.size: '{loaded.Config.Output.Size}' is not a size");
        var target = new PlanTarget(PlanTargetKind.Image, full, size, Planner.FormatFor(full, format ?? loaded.Config.Output.Format));
        return Planner.Build(loaded, request, target);
    }

    /// <summary>
    /// Plans a `keel install` onto <paramref name="device"/>: every target refusal (sector size, LUKS, and with
    /// <paramref name="checkDevice"/> the guard's: mounted, in use, too small, ...) is thrown now, before anything is
    /// downloaded, as an <see cref="InstallTargetException"/> (reason target-refused). Without <paramref name="checkDevice"/>
    /// (keel plan) a regular file may stand in for the disk.
    /// </summary>
    public Plan PlanDevice(LoadedConfig loaded, PackageRequest request, string device, bool checkDevice = true)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var facts = DeviceFacts.Read(device);
        var findings = TargetRules.ForDevice(loaded, device, facts.LogicalSectorSize);
        if (findings.Count > 0)
        {
            throw new InstallTargetException(device, [.. findings.Select(d => new TargetRefusal(
                d.Path == "storage.encryption" ? TargetRefusal.Unsupported : TargetRefusal.SectorSize,
                d.Message.StartsWith(device + ": ", StringComparison.Ordinal) ? d.Message[(device.Length + 2)..] : d.Message))],
                findings.Select(d => d.Hint).OfType<string>().ToList() is { Count: > 0 } hints ? string.Join("; ", hints) : null);
        }

        if (checkDevice)
        {
            (_options.Guard ?? new InstallTargetGuard()).Check(device, _options.MediumPath, DiskLister.MinimumBytes(loaded.Config.Storage));
        }

        return Planner.Build(loaded, request, new PlanTarget(PlanTargetKind.Device, device, facts.SizeBytes, null), facts, _options.Record);
    }

    /// <summary>
    /// Runs <paramref name="plan"/>'s steps in order through one <see cref="EngineSteps"/> runner: the plan event first,
    /// step-started/step-finished around each step, step-failed on failure. The work area and a partial image are removed
    /// also on failure; an image's output appears only when complete.
    /// </summary>
    public async Task<InstallResult> ExecuteAsync(Plan plan, IProgress<EngineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var steps = new EngineSteps(progress);
        steps.Plan([.. plan.Steps.Select(s => s.Id)]);
        using var run = new InstallRun(plan, _options, steps);
        var firstDestructive = plan.Steps.ToList().FindIndex(s => s.Destructive.Count > 0);
        for (int i = 0; i < plan.Actions.Count; i++)
        {
            var step = plan.Actions[i];
            var verify = i == 0 || i == firstDestructive;
            await steps.RunAsync(step.Id, async () =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                run.StepId = step.Id;
                if (verify)
                {
                    VerifyUnchanged(plan);
                }

                await step.RunAsync(run, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        return new InstallResult(plan.Target, run.InstalledPackages, run.KernelCommandLine);
    }

    // The fingerprint is taken the same way as at plan time; any difference names the input that changed.
    private static void VerifyUnchanged(Plan plan)
    {
        var device = plan.Target.Kind == PlanTargetKind.Device ? DeviceFacts.Read(plan.Target.Path) : null;
        plan.Fingerprint.Verify(PlanFingerprint.Take(plan.Loaded, plan.Request, plan.Target, device));
    }
}
