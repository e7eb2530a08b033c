using System.Text.Json.Serialization;

namespace Keel.Config.Loading;

/// <summary>Source-generated JSON for diagnostics (`keel config validate --json`).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<ConfigDiagnostic>))]
public sealed partial class DiagnosticJsonContext : JsonSerializerContext;
