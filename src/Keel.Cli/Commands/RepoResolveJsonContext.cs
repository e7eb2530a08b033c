using System.Text.Json.Serialization;

namespace Keel.Cli.Commands;

/// <summary>
/// `keel repo resolve --json` output, every entry a NAME-[EPOCH:]VERSION-RELEASE.ARCH: installs always; with --root
/// also the new versions of upgrades and downgrades, removals, and the installed versions those replace.
/// </summary>
internal sealed record ResolveResult(
    string[] Install,
    string[]? Upgrade,
    string[]? Downgrade,
    string[]? Remove,
    string[]? Replaced);

/// <summary>Source-generated JSON for `keel repo resolve`.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResolveResult))]
internal sealed partial class RepoResolveJsonContext : JsonSerializerContext;
