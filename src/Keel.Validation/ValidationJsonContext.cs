using System.Text.Json.Serialization;
using Keel.ImageManifest;

namespace Keel.Validation;

/// <summary>One line of `keel validate --json`.</summary>
public sealed record ValidationJsonLine(string Check, string Status, string Subject, string Detail);

/// <summary>The document `keel validate --json` and `keel-validate --json` print.</summary>
public sealed record ValidationJsonReport(string System, bool Passed, int Pass, int Warn, int Fail, int Skip, IReadOnlyList<ValidationJsonLine> Results)
{
    /// <summary>The JSON shape of a report.</summary>
    public static ValidationJsonReport From(ValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ValidationJsonReport(
            report.System,
            !report.Failed,
            report.Count(ValidationStatus.Pass),
            report.Count(ValidationStatus.Warn),
            report.Count(ValidationStatus.Fail),
            report.Count(ValidationStatus.Skip),
            [.. report.Results.Select(r => new ValidationJsonLine(r.Check, r.StatusText, r.Subject, r.Detail))]);
    }
}

/// <summary>Source-generated (NativeAOT) JSON for reports and for reading the image manifest.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ValidationJsonReport))]
public sealed partial class ValidationJsonContext : JsonSerializerContext;
