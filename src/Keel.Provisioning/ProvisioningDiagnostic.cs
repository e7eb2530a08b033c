using Keel.Errors;

namespace Keel.Provisioning;

/// <summary>A warning or error with where it came from (a file, a config path, a module).</summary>
public sealed record ProvisioningDiagnostic(Severity Severity, string Source, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Severity.Name()}: {Source}: {Message}";
}
