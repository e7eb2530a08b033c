namespace Keel.Install;

/// <summary>
/// A progress event: <paramref name="StepId"/> is one of Planner.StepIds (stable, for machines),
/// <paramref name="Message"/> is for people, <paramref name="Done"/> of <paramref name="Total"/> counts items (packages).
/// </summary>
public sealed record EngineEvent(string StepId, string Message, int Done, int Total);
