using Keel.Install.Planning;

namespace Keel.Install.Steps;

/// <summary>
/// One step of the engine: a stable id (also the progress step id), a title, what it will do on a given plan (details
/// and every destructive operation) and the code that does it. The order is <see cref="InstallSteps.Ordered"/>.
/// The id and title are constructor arguments: they are data, so a step declares them once in its header.
/// </summary>
public abstract class InstallStep(string id, string title)
{
    /// <summary>The stable id, e.g. "storage.partition"; programs key on it.</summary>
    public string Id { get; } = id;

    /// <summary>A short title for people.</summary>
    public string Title { get; } = title;

    /// <summary>The title on this plan (a step may name its target differently for an image and a device).</summary>
    public virtual string TitleFor(PlanningContext plan) => Title;

    /// <summary>False when the step has nothing to do for this plan (e.g. storage.encrypt without encryption); it is then left out.</summary>
    public virtual bool AppliesTo(PlanningContext plan) => true;

    /// <summary>Lines for people saying what the step will do.</summary>
    public abstract IEnumerable<string> Details(PlanningContext plan);

    /// <summary>Everything the step destroys or overwrites; the plan is checked against its inputs before the first such step.</summary>
    public virtual IEnumerable<DestructiveOperation> Destructive(PlanningContext plan) => [];

    /// <summary>Carries the step out; the runner has reported its start and reports its end.</summary>
    public abstract Task RunAsync(InstallRun run, CancellationToken cancellationToken);

    /// <summary>"a, b, c", or "none" for an empty list.</summary>
    protected static string ListOrNone(IReadOnlyCollection<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);

    /// <summary>The step as the plan shows it.</summary>
    public PlanStep Describe(PlanningContext plan) => new(Id, TitleFor(plan), [.. Details(plan)], [.. Destructive(plan)]);
}

/// <summary>A step whose work is synchronous (small files in the staging root): <see cref="Apply"/> does it and returns the step's message.</summary>
public abstract class SynchronousStep(string id, string title) : InstallStep(id, title)
{
    public sealed override Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Report(Apply(run));
        return Task.CompletedTask;
    }

    /// <summary>Does the step; returns what it did, for people.</summary>
    protected abstract string Apply(InstallRun run);
}
