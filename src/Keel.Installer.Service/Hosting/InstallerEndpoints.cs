using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Installer.Api;
using Keel.Installer.Service.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Installer.Service.Hosting;

/// <summary>
/// Every route of <see cref="InstallerRoutes"/> mapped onto an <see cref="IInstallerApi"/>. Handlers are plain request
/// delegates reading and writing the source-generated <see cref="InstallerJsonContext"/>: no reflection, so the NativeAOT
/// keel serves them. Refusals become <see cref="ApiError"/> bodies: 400 bad input, 404 unknown package, disk or volume,
/// 409 wrong phase or a stale plan.
/// </summary>
public static class InstallerEndpoints
{
    private static readonly InstallerJsonContext Json = InstallerJsonContext.Default;

    /// <summary>Maps the API onto <paramref name="routes"/>.</summary>
    public static void Map(IEndpointRouteBuilder routes, IInstallerApi api)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(api);
        Get(routes, InstallerRoutes.Session, ctx => Answer(ctx, api.GetSessionAsync(ctx.RequestAborted), Json.SessionState));
        Get(routes, InstallerRoutes.Machine, ctx => Answer(ctx, api.GetMachineAsync(ctx.RequestAborted), Json.MachineFacts));
        Get(routes, InstallerRoutes.Choices, ctx => Answer(ctx, api.GetChoicesAsync(Kind(ctx), Query(ctx, "q"), ctx.RequestAborted), Json.ChoiceList));
        Put(routes, InstallerRoutes.Regional, Json.RegionalSettings, (ctx, body) => Answer(ctx, api.UpdateRegionalAsync(body, ctx.RequestAborted), Json.SectionResult));
        Post(routes, InstallerRoutes.KeyboardApply, Json.TextBody, (ctx, body) => Answer(ctx, api.ApplyKeyboardAsync(body.Text, ctx.RequestAborted), Json.ApplyResult));
        Put(routes, InstallerRoutes.Network, Json.NetworkSettings, (ctx, body) => Answer(ctx, api.UpdateNetworkAsync(body, ctx.RequestAborted), Json.SectionResult));
        Post(routes, InstallerRoutes.SourceCheck, Json.SourceSettings, (ctx, body) => Answer(ctx, api.CheckSourceAsync(body, ctx.RequestAborted), Json.SourceCheckResult));
        Put(routes, InstallerRoutes.Source, Json.SourceSettings, (ctx, body) => Answer(ctx, api.UpdateSourceAsync(body, ctx.RequestAborted), Json.SectionResult));
        Get(routes, InstallerRoutes.Presets, ctx => Answer(ctx, AsList(api.GetPresetsAsync(ctx.RequestAborted)), Json.ListPresetSummary));
        Put(routes, InstallerRoutes.Packages, Json.PackageSettings, (ctx, body) => Answer(ctx, api.UpdatePackagesAsync(body, ctx.RequestAborted), Json.PackageSelectionView));
        Get(routes, InstallerRoutes.PackageSearch, ctx => Answer(ctx, AsList(api.SearchPackagesAsync(Query(ctx, "q") ?? "", ctx.RequestAborted)), Json.ListPackageEntry));
        Get(routes, InstallerRoutes.PackageWhy, ctx => Answer(ctx, api.WhyAsync((string)ctx.Request.RouteValues["name"]!, ctx.RequestAborted), Json.WhyAnswer));
        Put(routes, InstallerRoutes.Storage, Json.StorageSettings, (ctx, body) => Answer(ctx, api.UpdateStorageAsync(body, ctx.RequestAborted), Json.LayoutProposal));
        Get(routes, InstallerRoutes.UsbKeys, ctx => Answer(ctx, AsList(api.ScanUsbKeysAsync(ctx.RequestAborted)), Json.ListFoundKey));
        Put(routes, InstallerRoutes.Users, Json.UserSettings, (ctx, body) => Answer(ctx, api.UpdateUsersAsync(body, ctx.RequestAborted), Json.SectionResult));
        Get(routes, InstallerRoutes.Review, ctx => Answer(ctx, api.ReviewAsync(ctx.RequestAborted), Json.ReviewView));
        Get(routes, InstallerRoutes.Config, async ctx => await Answer(ctx, Text(api.GetConfigYamlAsync(ctx.RequestAborted)), Json.TextBody).ConfigureAwait(false));
        Post(routes, InstallerRoutes.SaveConfig, Json.SaveRequest, (ctx, body) => Answer(ctx, api.SaveConfigAsync(body, ctx.RequestAborted), Json.SaveResult));
        Post(routes, InstallerRoutes.Install, Json.InstallRequest, (ctx, body) => Answer(ctx, api.StartInstallAsync(body, ctx.RequestAborted), Json.InstallStarted));
        Get(routes, InstallerRoutes.Events, ctx => Answer(ctx, api.GetEventsAsync(Number(ctx, "after", 0), TimeSpan.FromSeconds(Number(ctx, "wait", 0)), ctx.RequestAborted), Json.EventPage));
        Get(routes, InstallerRoutes.Finish, ctx => Answer(ctx, api.GetFinishAsync(ctx.RequestAborted), Json.FinishInfo));
        Post(routes, InstallerRoutes.Power, Json.PowerRequest, (ctx, body) => Answer(ctx, api.PowerAsync(body.Action, ctx.RequestAborted), Json.ApplyResult));
    }

    /// <summary>Writes <paramref name="error"/> with <paramref name="status"/>.</summary>
    public static async Task ErrorAsync(HttpContext context, int status, string error)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ApiError(error), Json.ApiError, contentType: null, context.RequestAborted).ConfigureAwait(false);
    }

    private static void Get(IEndpointRouteBuilder routes, string pattern, RequestDelegate handler) => routes.MapGet(pattern, Guarded(handler));

    private static void Put<T>(IEndpointRouteBuilder routes, string pattern, JsonTypeInfo<T> type, Func<HttpContext, T, Task> handler) =>
        routes.MapPut(pattern, Guarded(WithBody(type, handler)));

    private static void Post<T>(IEndpointRouteBuilder routes, string pattern, JsonTypeInfo<T> type, Func<HttpContext, T, Task> handler) =>
        routes.MapPost(pattern, Guarded(WithBody(type, handler)));

    private static RequestDelegate WithBody<T>(JsonTypeInfo<T> type, Func<HttpContext, T, Task> handler) => async ctx =>
    {
        T? body;
        try
        {
            body = await ctx.Request.ReadFromJsonAsync(type, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw InstallerServiceException.BadInput($"request body: not a {typeof(T).Name} ({ex.Message.Split('\n')[0]})");
        }
        catch (InvalidOperationException ex)
        {
            throw InstallerServiceException.BadInput($"request body: {ex.Message.Split('\n')[0]}");
        }

        await handler(ctx, body ?? throw InstallerServiceException.BadInput($"request body: a {typeof(T).Name} is required")).ConfigureAwait(false);
    };

    // Every refusal as an ApiError; anything unexpected as a 500 with its one line (the service keeps running).
    private static RequestDelegate Guarded(RequestDelegate handler) => async ctx =>
    {
        try
        {
            await handler(ctx).ConfigureAwait(false);
        }
        catch (InstallerServiceException ex)
        {
            await ErrorAsync(ctx, ex.StatusCode, ex.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads an answer.
        }
        catch (Exception ex) when (Keel.Errors.ExitCodes.IsExpected(ex))
        {
            // Bad input or an environment that refuses (an unreachable mirror, a repository that does not verify).
            await ErrorAsync(ctx, 400, Keel.Errors.ExitCodes.Describe(ex)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await ErrorAsync(ctx, 500, $"{ctx.Request.Method} {ctx.Request.Path}: {Keel.Errors.ExitCodes.Describe(ex)}").ConfigureAwait(false);
        }
    };

    private static async Task Answer<T>(HttpContext context, Task<T> work, JsonTypeInfo<T> type)
    {
        var value = await work.ConfigureAwait(false);
        await context.Response.WriteAsJsonAsync(value, type, contentType: null, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<List<T>> AsList<T>(Task<IReadOnlyList<T>> work) => [.. await work.ConfigureAwait(false)];

    private static async Task<TextBody> Text(Task<string> work) => new(await work.ConfigureAwait(false));

    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) ? values.ToString() : null;

    private static long Number(HttpContext context, string name, long fallback)
    {
        var text = Query(context, name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw InstallerServiceException.BadInput($"{name}: '{text}' is not a whole number of at least 0");
    }

    private static ChoiceKind Kind(HttpContext context)
    {
        var text = (string)context.Request.RouteValues["kind"]!;
        return Enum.TryParse<ChoiceKind>(text, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw InstallerServiceException.NotFound($"choices '{text}': one of locales, keyboards, timezones");
    }
}
