namespace Keel.Installer.Api;

/// <summary>
/// Screen 9: the engine's plan as text, every destructive operation on its disk, the config as YAML, the plan's
/// fingerprint (sent back with the install request) and what still blocks an install, by field.
/// </summary>
public sealed record ReviewView(
    bool Ready,
    IReadOnlyList<FieldError> Blockers,
    string PlanText,
    IReadOnlyList<DestructiveOperation> Operations,
    string ConfigYaml,
    string? Fingerprint);

/// <summary>One destructive operation: the step, what it does, and the disk by path, by-id name, model and size, and what it erases.</summary>
public sealed record DestructiveOperation(string Step, string Description, string Device, string? ById, string? Model, long SizeBytes, string Erases);

/// <summary>Where to save the config: a removable volume's device, or (dry-run and tests) a directory.</summary>
public sealed record SaveRequest(string? Volume, string? Directory = null);

/// <summary>Where the config was saved.</summary>
public sealed record SaveResult(string Path, string Message);

/// <summary>Starts the reviewed plan; <see cref="Fingerprint"/> is the review's, so a changed plan is never run unseen.</summary>
public sealed record InstallRequest(string Fingerprint, PowerAction? After = null);

/// <summary>The install began: the plan's steps in order, for the progress screen.</summary>
public sealed record InstallStarted(IReadOnlyList<PlannedStep> Steps);

/// <summary>A step of the plan.</summary>
public sealed record PlannedStep(string Id, string Title);

/// <summary>Events after a point, the id to ask after next, and the session's phase.</summary>
public sealed record EventPage(IReadOnlyList<InstallEvent> Events, long Next, SessionPhase Phase);

/// <summary>What an install event is.</summary>
public enum InstallEventKind
{
    StepStarted,
    StepFinished,
    Progress,
    Log,
    Finished,
    Failed,
}

/// <summary>One engine event as clients see it; <see cref="Fraction"/> is the overall progress from 0 to 1 when known.</summary>
public sealed record InstallEvent(long Id, InstallEventKind Kind, string? Step, string Message, double? Fraction);

/// <summary>Screen 11: the new machine's SSH host key fingerprints ("ED25519 SHA256:..."), the saved config and log.</summary>
public sealed record FinishInfo(bool Succeeded, string Message, IReadOnlyList<string> HostKeys, string? ConfigPath, string? LogPath);
