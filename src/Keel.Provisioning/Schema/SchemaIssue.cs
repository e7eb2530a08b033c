using Keel.Errors;
namespace Keel.Provisioning.Schema;

/// <summary>One schema finding: a dotted config path (cloud-init's form, e.g. "write_files.0.permissions"), its YAML line and what is wrong.</summary>
public sealed record SchemaIssue(Severity Severity, string Path, int Line, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {(Path.Length == 0 ? "<root>" : Path)}: {Message}";
}

/// <summary>The result of validating one cloud-config against cloud-init's schema.</summary>
public sealed class SchemaReport
{
    /// <summary>All findings in document order.</summary>
    public List<SchemaIssue> Issues { get; } = [];

    /// <summary>Schema errors (the config is invalid).</summary>
    public IEnumerable<SchemaIssue> Errors => Issues.Where(i => i.Severity == Severity.Error);

    /// <summary>Warnings: unknown top-level keys, deprecated keys.</summary>
    public IEnumerable<SchemaIssue> Warnings => Issues.Where(i => i.Severity == Severity.Warning);

    /// <summary>Whether there are no errors.</summary>
    public bool IsValid => !Errors.Any();
}
