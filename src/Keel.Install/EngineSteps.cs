using Keel.Errors;

namespace Keel.Install;

/// <summary>
/// The one place that turns the engine's work into step-started / step-finished / step-failed events, so no step repeats
/// it: a step starts when it is begun explicitly or first reports, and finishes when the next one starts or the run ends.
/// </summary>
public sealed class EngineSteps(IProgress<EngineEvent>? sink) : IProgress<EngineEvent>
{
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private string? _current;
    private string _lastMessage = "";

    /// <summary>Reports the plan's step ids, the first event of the stream.</summary>
    public void Plan(IReadOnlyList<string> steps) => sink?.Report(new PlanEvent(steps));

    /// <summary>Starts <paramref name="stepId"/>, finishing the step before it; a step already started is not started again.</summary>
    public void Begin(string stepId)
    {
        if (_current == stepId || _started.Contains(stepId))
        {
            return;
        }

        FinishCurrent();
        _started.Add(stepId);
        _current = stepId;
        _lastMessage = "";
        sink?.Report(new StepStartedEvent(stepId));
    }

    public void Report(EngineEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is ProgressEvent or LogEvent && value.Step is { } step)
        {
            Begin(step);
            if (value is ProgressEvent p)
            {
                _lastMessage = p.Message;
            }
        }

        sink?.Report(value);
    }

    /// <summary>Runs the whole engine body: on success the last step finishes, on failure it gets a step-failed and the exception is rethrown.</summary>
    public async Task<T> RunAsync<T>(string firstStep, Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            Begin(firstStep);
            var result = await body().ConfigureAwait(false);
            FinishCurrent();
            return result;
        }
        catch (Exception e) when (_current is not null)
        {
            var keel = e as KeelException;
            sink?.Report(new StepFailedEvent(_current, ExitCodes.ReasonFor(e), keel?.Input ?? "", e.Message, keel?.Hint));
            _current = null;
            throw;
        }
    }

    private void FinishCurrent()
    {
        if (_current is not null)
        {
            sink?.Report(new StepFinishedEvent(_current, _lastMessage));
            _current = null;
        }
    }
}
