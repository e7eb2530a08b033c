using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;

namespace Keel.Installer.Api;

/// <summary>The installer API over HTTP: on the service's unix socket (<see cref="ForSocket"/>) or any <see cref="HttpClient"/>.</summary>
public sealed class InstallerApiClient(HttpClient http) : IInstallerApi, IDisposable
{
    private static readonly InstallerJsonContext Json = InstallerJsonContext.Default;

    /// <summary>A client of the service listening on the unix socket <paramref name="socketPath"/>.</summary>
    public static InstallerApiClient ForSocket(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

        // The host name is never resolved: every connection goes to the socket.
        return new InstallerApiClient(new HttpClient(handler) { BaseAddress = new Uri("http://installer"), Timeout = Timeout.InfiniteTimeSpan });
    }

    public void Dispose() => http.Dispose();

    public Task<SessionState> GetSessionAsync(CancellationToken cancellationToken) =>
        GetAsync(InstallerRoutes.Session, Json.SessionState, cancellationToken);

    public Task<MachineFacts> GetMachineAsync(CancellationToken cancellationToken) =>
        GetAsync(InstallerRoutes.Machine, Json.MachineFacts, cancellationToken);

    public Task<ChoiceList> GetChoicesAsync(ChoiceKind kind, string? query, CancellationToken cancellationToken) =>
        GetAsync(InstallerRoutes.Choices.Replace("{kind}", kind.ToString().ToLowerInvariant(), StringComparison.Ordinal) + Query("q", query), Json.ChoiceList, cancellationToken);

    public Task<SectionResult> UpdateRegionalAsync(RegionalSettings settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, InstallerRoutes.Regional, settings, Json.RegionalSettings, Json.SectionResult, cancellationToken);

    public Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, InstallerRoutes.KeyboardApply, new TextBody(layout), Json.TextBody, Json.ApplyResult, cancellationToken);

    public Task<SectionResult> UpdateNetworkAsync(NetworkSettings settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, InstallerRoutes.Network, settings, Json.NetworkSettings, Json.SectionResult, cancellationToken);

    public Task<SourceCheckResult> CheckSourceAsync(SourceSettings settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, InstallerRoutes.SourceCheck, settings, Json.SourceSettings, Json.SourceCheckResult, cancellationToken);

    public Task<SectionResult> UpdateSourceAsync(SourceSettings settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, InstallerRoutes.Source, settings, Json.SourceSettings, Json.SectionResult, cancellationToken);

    public async Task<IReadOnlyList<PresetSummary>> GetPresetsAsync(CancellationToken cancellationToken) =>
        await GetAsync(InstallerRoutes.Presets, Json.ListPresetSummary, cancellationToken).ConfigureAwait(false);

    public Task<PackageSelectionView> UpdatePackagesAsync(PackageSettings settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, InstallerRoutes.Packages, settings, Json.PackageSettings, Json.PackageSelectionView, cancellationToken);

    public async Task<IReadOnlyList<PackageEntry>> SearchPackagesAsync(string query, CancellationToken cancellationToken) =>
        await GetAsync(InstallerRoutes.PackageSearch + Query("q", query), Json.ListPackageEntry, cancellationToken).ConfigureAwait(false);

    public Task<WhyAnswer> WhyAsync(string name, CancellationToken cancellationToken) =>
        GetAsync(InstallerRoutes.PackageWhy.Replace("{name}", Uri.EscapeDataString(name), StringComparison.Ordinal), Json.WhyAnswer, cancellationToken);

    public Task<LayoutProposal> UpdateStorageAsync(StorageSettings settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, InstallerRoutes.Storage, settings, Json.StorageSettings, Json.LayoutProposal, cancellationToken);

    public async Task<IReadOnlyList<FoundKey>> ScanUsbKeysAsync(CancellationToken cancellationToken) =>
        await GetAsync(InstallerRoutes.UsbKeys, Json.ListFoundKey, cancellationToken).ConfigureAwait(false);

    public Task<SectionResult> UpdateUsersAsync(UserSettings settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, InstallerRoutes.Users, settings, Json.UserSettings, Json.SectionResult, cancellationToken);

    public Task<ReviewView> ReviewAsync(CancellationToken cancellationToken) =>
        GetAsync(InstallerRoutes.Review, Json.ReviewView, cancellationToken);

    public async Task<string> GetConfigYamlAsync(CancellationToken cancellationToken) =>
        (await GetAsync(InstallerRoutes.Config, Json.TextBody, cancellationToken).ConfigureAwait(false)).Text;

    public Task<SaveResult> SaveConfigAsync(SaveRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, InstallerRoutes.SaveConfig, request, Json.SaveRequest, Json.SaveResult, cancellationToken);

    public Task<InstallStarted> StartInstallAsync(InstallRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, InstallerRoutes.Install, request, Json.InstallRequest, Json.InstallStarted, cancellationToken);

    public Task<EventPage> GetEventsAsync(long after, TimeSpan wait, CancellationToken cancellationToken) =>
        GetAsync(InstallerRoutes.Events + Query("after", after.ToString(CultureInfo.InvariantCulture)) + "&wait=" + ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture), Json.EventPage, cancellationToken);

    public Task<FinishInfo> GetFinishAsync(CancellationToken cancellationToken) =>
        GetAsync(InstallerRoutes.Finish, Json.FinishInfo, cancellationToken);

    public Task<ApplyResult> PowerAsync(PowerAction action, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, InstallerRoutes.Power, new PowerRequest(action), Json.PowerRequest, Json.ApplyResult, cancellationToken);

    private static string Query(string name, string? value) => value is null ? "" : $"?{name}={Uri.EscapeDataString(value)}";

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await ExchangeAsync(request, type, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, requestType) };
        return await ExchangeAsync(request, responseType, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> ExchangeAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new InstallerApiException(0, $"the installer service does not answer: {ex.Message}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                ApiError? error = null;
                try
                {
                    error = await response.Content.ReadFromJsonAsync(Json.ApiError, cancellationToken).ConfigureAwait(false);
                }
                catch (System.Text.Json.JsonException)
                {
                    // Not the service's error body (a proxy, a crash page): the status says enough.
                }

                throw new InstallerApiException((int)response.StatusCode, error?.Error ?? $"{request.Method} {request.RequestUri}: HTTP {(int)response.StatusCode}");
            }

            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new InstallerApiException((int)response.StatusCode, $"{request.Method} {request.RequestUri}: empty answer");
        }
    }
}
