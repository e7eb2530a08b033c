namespace Keel.Installer.Api;

/// <summary>Where an installer session is.</summary>
public enum SessionPhase
{
    Editing,
    Installing,
    Finished,
    Failed,
}

/// <summary>The session as a client sees it when it (re)connects.</summary>
public sealed record SessionState(
    SessionPhase Phase,
    bool DryRun,
    string? Medium,
    string Distribution,
    RegionalSettings Regional,
    NetworkSettings Network,
    SourceSettings Source,
    PackageSettings Packages,
    StorageSettings? Storage,
    UserSettingsView Users);

/// <summary>One field's problem, by its config path (e.g. hostname, users[1].name, storage.partitions[0].size).</summary>
public sealed record FieldError(string Field, string Message, string? Hint = null);

/// <summary>The answer to a section update: the section's field errors; empty when the section is valid.</summary>
public sealed record SectionResult(IReadOnlyList<FieldError> Errors)
{
    /// <summary>True when the section has no errors.</summary>
    public bool Ok => Errors.Count == 0;
}

/// <summary>The answer to an action (keyboard, power): whether it was done and a one-line message.</summary>
public sealed record ApplyResult(bool Done, string Message);

/// <summary>The lists a chooser offers.</summary>
public enum ChoiceKind
{
    Locales,
    Keyboards,
    Timezones,
}

/// <summary>Choices, each with the value written in the config and a label to show.</summary>
public sealed record ChoiceList(IReadOnlyList<Choice> Items, int Total);

/// <summary>One choice: <see cref="Value"/> goes into the config, <see cref="Label"/> is shown.</summary>
public sealed record Choice(string Value, string Label);

/// <summary>Screen 1-3: locale, keyboard, time zone.</summary>
public sealed record RegionalSettings(string Locale, string Keyboard, string Timezone);

/// <summary>Screen 4: the host name (null or empty: the distribution's default).</summary>
public sealed record NetworkSettings(string? Hostname);

/// <summary>Where packages come from.</summary>
public enum SourceKind
{
    Medium,
    Online,
    Mirror,
}

/// <summary>Screen 5: the installation source; <see cref="Url"/> only for <see cref="SourceKind.Mirror"/>.</summary>
public sealed record SourceSettings(SourceKind Kind, string? Url = null);

/// <summary>The answer to a source check.</summary>
public sealed record SourceCheckResult(bool Reachable, bool Signed, string Message);

/// <summary>What to do after the install.</summary>
public enum PowerAction
{
    Reboot,
    Poweroff,
}
