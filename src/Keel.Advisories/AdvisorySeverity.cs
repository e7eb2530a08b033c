namespace Keel.Advisories;

/// <summary>updateinfo severities in rising order (the names Red Hat, Fedora and Azure Linux use).</summary>
public enum AdvisorySeverity
{
    /// <summary>No severity, "None" or a name Keel does not know: below every named level.</summary>
    None,
    Low,
    Moderate,
    Important,
    Critical,
}

/// <summary>Parsing of severities from updateinfo and from --fail-on.</summary>
public static class AdvisorySeverities
{
    /// <summary>The level of an updateinfo &lt;severity&gt; text (case-insensitive; "Medium" counts as Moderate, "High" as Important).</summary>
    public static AdvisorySeverity FromText(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "LOW" => AdvisorySeverity.Low,
        "MODERATE" or "MEDIUM" => AdvisorySeverity.Moderate,
        "IMPORTANT" or "HIGH" => AdvisorySeverity.Important,
        "CRITICAL" => AdvisorySeverity.Critical,
        _ => AdvisorySeverity.None,
    };

    /// <summary>Parses a --fail-on level: low, moderate, important or critical.</summary>
    /// <exception cref="ArgumentException">Any other text.</exception>
    public static AdvisorySeverity ParseThreshold(string text)
    {
        var level = FromText(text);
        return level != AdvisorySeverity.None
            ? level
            : throw new ArgumentException($"--fail-on '{text}': expected low, moderate, important or critical");
    }
}
