namespace Keel.Errors;

/// <summary>How serious a finding is, everywhere in Keel: errors fail the operation, warnings degrade it, infos only inform.</summary>
public enum Severity
{
    /// <summary>Worth knowing; changes nothing.</summary>
    Info,

    /// <summary>Recoverable: an unknown key, a deprecated key, an ignored part; the run is degraded, not failed.</summary>
    Warning,

    /// <summary>Something cannot be (or was not) done.</summary>
    Error,
}

/// <summary>The lower-case names used in messages and JSON.</summary>
public static class SeverityNames
{
    /// <summary>"info", "warning" or "error".</summary>
    public static string Name(this Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
