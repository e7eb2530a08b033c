using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Keel.Provisioning.Datasources.Azure;

/// <summary>
/// Azure's ready report: the JSON POST {wireserver}/provisioning/health (azure-init's form) and the older
/// GET /machine/?comp=goalstate then POST /machine?comp=health with a Health document (cloud-init, WALinuxAgent).
/// </summary>
public sealed class AzureReporter(AzureOptions options, RetryingHttp http) : IReadyReporter
{
    /// <summary>x-ms-version of the goal-state protocol.</summary>
    public const string WireProtocolVersion = "2012-11-30";

    /// <inheritdoc />
    public string Report(string? failureDescription, CancellationToken cancellationToken) =>
        ReportAsync(failureDescription, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Async form of <see cref="Report"/>.</summary>
    public async Task<string> ReportAsync(string? failureDescription, CancellationToken cancellationToken)
    {
        switch (options.ReportMode)
        {
            case AzureReportMode.None:
                return "none";
            case AzureReportMode.GoalState:
                await ReportGoalStateAsync(failureDescription, cancellationToken).ConfigureAwait(false);
                return "goalstate";
            case AzureReportMode.Json:
                await ReportJsonAsync(failureDescription, cancellationToken).ConfigureAwait(false);
                return "json";
            default:
                try
                {
                    await ReportJsonAsync(failureDescription, cancellationToken).ConfigureAwait(false);
                    return "json";
                }
                catch (HttpRequestException ex) when (RetryableStatus.IsUnknownEndpoint(ex.StatusCode))
                {
                    // An older host without the JSON endpoint: the goal-state form is what it understands.
                    await ReportGoalStateAsync(failureDescription, cancellationToken).ConfigureAwait(false);
                    return "goalstate";
                }
        }
    }

    /// <summary>The JSON health document: {"state":"Ready"} or NotReady with details.subStatus ProvisioningFailed.</summary>
    public static string JsonHealth(string? failureDescription)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("state", failureDescription is null ? "Ready" : "NotReady");
            if (failureDescription is not null)
            {
                w.WriteStartObject("details");
                w.WriteString("subStatus", "ProvisioningFailed");
                w.WriteString("description", failureDescription);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task ReportJsonAsync(string? failureDescription, CancellationToken token)
    {
        var body = JsonHealth(failureDescription);
        var url = new Uri(options.Wireserver, "/provisioning/health");
        await http.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("User-Agent", options.AgentName);
                request.Headers.TryAddWithoutValidation("x-ms-guest-agent-name", options.AgentName);
                return request;
            },
            RetryableStatus.Wireserver,
            token).ConfigureAwait(false);
    }

    private async Task ReportGoalStateAsync(string? failureDescription, CancellationToken token)
    {
        var goalStateUrl = new Uri(options.Wireserver, "/machine/?comp=goalstate");
        var answer = await http.SendAsync(() => WireRequest(HttpMethod.Get, goalStateUrl), RetryableStatus.Wireserver, token).ConfigureAwait(false);
        var goalState = GoalState.Parse(answer.Body, goalStateUrl.ToString());
        var report = goalState.HealthReport(failureDescription);
        var healthUrl = new Uri(options.Wireserver, "/machine?comp=health");
        await http.SendAsync(
            () =>
            {
                var request = WireRequest(HttpMethod.Post, healthUrl);
                request.Content = new StringContent(report, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
                return request;
            },
            RetryableStatus.Wireserver,
            token).ConfigureAwait(false);
    }

    private HttpRequestMessage WireRequest(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("x-ms-agent-name", options.AgentName);
        request.Headers.TryAddWithoutValidation("x-ms-version", WireProtocolVersion);
        request.Headers.TryAddWithoutValidation("User-Agent", options.AgentName);
        return request;
    }
}
