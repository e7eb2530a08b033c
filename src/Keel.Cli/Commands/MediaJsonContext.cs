using System.Text.Json.Serialization;

namespace Keel.Cli.Commands;

/// <summary>`keel media verify --json`: the verdict, the signer, what was checked and the unsigned customization files.</summary>
internal sealed record MediaVerifyOutput(string Iso, bool Verified, int Files, long Bytes, string? KeyId, bool KeyFromMedium, bool EspChecked,
    string? Sha256Sums, IReadOnlyList<string> CustomFiles, string? Error, string? BadFile);

/// <summary>Source-generated JSON for the media commands.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MediaVerifyOutput))]
internal sealed partial class MediaJsonContext : JsonSerializerContext;
