using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Installer.Api;

/// <summary>The body of every refused request (4xx, 5xx): one line naming the input and the problem.</summary>
public sealed record ApiError(string Error);

/// <summary>A body with one string (keyboard layout, YAML text).</summary>
public sealed record TextBody(string Text);

/// <summary>The power request's body.</summary>
public sealed record PowerRequest(PowerAction Action);

/// <summary>Source-generated JSON for the API (camelCase, enums as strings), so service and client need no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(TextBody))]
[JsonSerializable(typeof(PowerRequest))]
[JsonSerializable(typeof(SessionState))]
[JsonSerializable(typeof(MachineFacts))]
[JsonSerializable(typeof(ChoiceList))]
[JsonSerializable(typeof(RegionalSettings))]
[JsonSerializable(typeof(SectionResult))]
[JsonSerializable(typeof(ApplyResult))]
[JsonSerializable(typeof(NetworkSettings))]
[JsonSerializable(typeof(SourceSettings))]
[JsonSerializable(typeof(SourceCheckResult))]
[JsonSerializable(typeof(List<PresetSummary>))]
[JsonSerializable(typeof(PackageSettings))]
[JsonSerializable(typeof(PackageSelectionView))]
[JsonSerializable(typeof(List<PackageEntry>))]
[JsonSerializable(typeof(WhyAnswer))]
[JsonSerializable(typeof(StorageSettings))]
[JsonSerializable(typeof(LayoutProposal))]
[JsonSerializable(typeof(List<FoundKey>))]
[JsonSerializable(typeof(UserSettings))]
[JsonSerializable(typeof(ReviewView))]
[JsonSerializable(typeof(SaveRequest))]
[JsonSerializable(typeof(SaveResult))]
[JsonSerializable(typeof(InstallRequest))]
[JsonSerializable(typeof(InstallStarted))]
[JsonSerializable(typeof(EventPage))]
[JsonSerializable(typeof(FinishInfo))]
public sealed partial class InstallerJsonContext : JsonSerializerContext;
