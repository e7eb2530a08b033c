using System.Text.Json.Serialization;

namespace Keel.Install.Planning;

/// <summary>Source-generated JSON for plans (`keel plan --json`).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Plan))]
public sealed partial class PlanJsonContext : JsonSerializerContext;
