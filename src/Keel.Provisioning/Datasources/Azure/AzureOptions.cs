namespace Keel.Provisioning.Datasources.Azure;

/// <summary>Where the Azure endpoints are and how long to wait for them; every address is injectable for tests.</summary>
public sealed record AzureOptions
{
    /// <summary>The IMDS base address.</summary>
    public Uri Imds { get; init; } = new("http://169.254.169.254");

    /// <summary>The wireserver base address.</summary>
    public Uri Wireserver { get; init; } = new("http://168.63.129.16");

    /// <summary>IMDS api-version of the instance request.</summary>
    public string ImdsApiVersion { get; init; } = "2021-08-01";

    /// <summary>A directory holding ovf-env.xml (the mounted provisioning CD); null or absent skips it.</summary>
    public string? OvfDirectory { get; init; }

    /// <summary>Which ready report the agent sends.</summary>
    public AzureReportMode ReportMode { get; init; } = AzureReportMode.Auto;

    /// <summary>Retry and timeout policy of every request.</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>The user agent and x-ms-guest-agent-name the agent announces.</summary>
    public string AgentName { get; init; } = "keel-agent/" + AgentVersion.Value;

    /// <summary>Reads KEEL_AZURE_IMDS, KEEL_AZURE_WIRESERVER and KEEL_AZURE_OVF_DIR over the defaults.</summary>
    public static AzureOptions FromEnvironment(Func<string, string?> getEnv)
    {
        var options = new AzureOptions();
        if (getEnv("KEEL_AZURE_IMDS") is { Length: > 0 } imds)
        {
            options = options with { Imds = ParseBase(imds, "KEEL_AZURE_IMDS") };
        }

        if (getEnv("KEEL_AZURE_WIRESERVER") is { Length: > 0 } wire)
        {
            options = options with { Wireserver = ParseBase(wire, "KEEL_AZURE_WIRESERVER") };
        }

        if (getEnv("KEEL_AZURE_OVF_DIR") is { Length: > 0 } ovf)
        {
            options = options with { OvfDirectory = ovf };
        }

        return options;
    }

    /// <summary>Parses an http base address; throws FormatException naming <paramref name="what"/>.</summary>
    public static Uri ParseBase(string text, string what) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            ? uri
            : throw new FormatException($"{what}: '{text}' is not an http:// address");
}

/// <summary>Which ready report is sent to the wireserver.</summary>
public enum AzureReportMode
{
    /// <summary>JSON /provisioning/health first; the XML goal-state form when the host does not know it (404/405).</summary>
    Auto,

    /// <summary>Only the JSON POST /provisioning/health (azure-init's form).</summary>
    Json,

    /// <summary>Only GET /machine/?comp=goalstate then POST /machine?comp=health (cloud-init's and WALinuxAgent's form).</summary>
    GoalState,

    /// <summary>No report (off Azure, or when another agent reports).</summary>
    None,
}

/// <summary>Exponential backoff with a bound on each attempt and on the whole operation.</summary>
public sealed record RetryPolicy
{
    /// <summary>Longest a single request may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest all attempts together may take.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay before the first retry; doubled after each.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest delay between attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(16);
}
