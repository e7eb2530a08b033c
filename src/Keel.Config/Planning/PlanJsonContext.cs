using System.Text.Json.Serialization;
using Keel.Config.Loading;

namespace Keel.Config.Planning;

/// <summary>Source-generated JSON for plans and diagnostics (`keel plan --json`, `keel config validate --json`).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Plan))]
[JsonSerializable(typeof(List<ConfigDiagnostic>))]
public sealed partial class PlanJsonContext : JsonSerializerContext;
