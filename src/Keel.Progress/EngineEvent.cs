namespace Keel.Progress;

/// <summary>
/// One event of the engine's stream. <see cref="Step"/> is a step id of the plan (stable, for machines) or null for
/// events about the whole run (plan, done); the wire form is described in docs/progress-events.md.
/// </summary>
public abstract record EngineEvent(string? Step)
{
    /// <summary>The wire name of the event type (plan, step-started, progress, log, step-finished, step-failed, done).</summary>
    public abstract string Type { get; }
}

/// <summary>The steps the run will take, in order; the first event.</summary>
public sealed record PlanEvent(IReadOnlyList<string> Steps) : EngineEvent((string?)null)
{
    public override string Type => "plan";
}

/// <summary>A step began.</summary>
public sealed record StepStartedEvent(string StepId) : EngineEvent(StepId)
{
    public override string Type => "step-started";
}

/// <summary>How far a step is: <paramref name="Done"/> of <paramref name="Total"/> items, and bytes where known.</summary>
public sealed record ProgressEvent(string StepId, string Message, int Done, int Total, long? Bytes = null) : EngineEvent(StepId)
{
    public override string Type => "progress";
}

/// <summary>A line for people about a step.</summary>
public sealed record LogEvent(string StepId, string Message) : EngineEvent(StepId)
{
    public override string Type => "log";
}

/// <summary>A step ended successfully; <paramref name="Message"/> is its last progress message.</summary>
public sealed record StepFinishedEvent(string StepId, string Message) : EngineEvent(StepId)
{
    public override string Type => "step-finished";
}

/// <summary>A step threw: the reason code for programs, the input it concerns, a message and a hint for people.</summary>
public sealed record StepFailedEvent(string StepId, string Reason, string Input, string Message, string? Hint) : EngineEvent(StepId)
{
    public override string Type => "step-failed";
}

/// <summary>The run finished; the last event.</summary>
public sealed record DoneEvent(string Message) : EngineEvent((string?)null)
{
    public override string Type => "done";
}
