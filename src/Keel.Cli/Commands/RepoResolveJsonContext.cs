using System.Text.Json.Serialization;

namespace Keel.Cli.Commands;

/// <summary>A replaced package as `keel repo resolve --json` prints it.</summary>
internal sealed record ResolveChange(string From, string To);

/// <summary>`keel repo resolve --json` output: installs always; upgrades, downgrades and removals when --root was given.</summary>
internal sealed record ResolveResult(
    string[] Install,
    ResolveChange[]? Upgrade,
    ResolveChange[]? Downgrade,
    string[]? Remove);

/// <summary>Source-generated JSON for `keel repo resolve`.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResolveResult))]
internal sealed partial class RepoResolveJsonContext : JsonSerializerContext;
