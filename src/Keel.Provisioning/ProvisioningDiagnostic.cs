namespace Keel.Provisioning;

/// <summary>How serious a diagnostic is: warnings degrade a run, errors fail it.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Recoverable: unknown key, deprecated key, ignored part.</summary>
    Warning,

    /// <summary>Something was not applied.</summary>
    Error,
}

/// <summary>A warning or error with where it came from (a file, a config path, a module).</summary>
public sealed record ProvisioningDiagnostic(DiagnosticSeverity Severity, string Source, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Source}: {Message}";
}
