using Keel.Errors;
using Keel.Progress;

namespace Keel.Install;

/// <summary>
/// The one place that turns the engine's steps into events, so no step repeats it: the plan first, then for each step
/// step-started before its code runs and step-finished after it (with its last progress message), or step-failed with the
/// reason code, the input, the message and the hint when it throws.
/// </summary>
public sealed class EngineSteps(IProgress<EngineEvent>? sink) : IProgress<EngineEvent>
{
    private string? _current;
    private string _lastMessage = "";

    /// <summary>Reports the plan's step ids, the first event of the stream.</summary>
    public void Plan(IReadOnlyList<string> steps) => sink?.Report(new PlanEvent(steps));

    /// <summary>Runs one step between its step-started and its step-finished; on failure reports step-failed and rethrows.</summary>
    public async Task RunAsync(string stepId, Func<Task> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _current = stepId;
        _lastMessage = "";
        sink?.Report(new StepStartedEvent(stepId));
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var keel = e as KeelException;
            sink?.Report(new StepFailedEvent(stepId, ExitCodes.ReasonFor(e), keel?.Input ?? "", e.Message, keel?.Hint));
            _current = null;
            throw;
        }

        _current = null;
        sink?.Report(new StepFinishedEvent(stepId, _lastMessage));
    }

    public void Report(EngineEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is ProgressEvent p && p.StepId == _current)
        {
            _lastMessage = p.Message;
        }

        sink?.Report(value);
    }
}
