using System.Text.Json.Serialization;

namespace Keel.Cli.Commands;

/// <summary>One dependency as `keel rpm info --json` prints it.</summary>
internal sealed record RpmInfoDependency(string Name, string? Op, string? Evr, bool Pre);

/// <summary>A package file as `keel rpm info --json` prints it.</summary>
internal sealed record RpmInfoOutput(
    string File,
    string Nevra,
    string Name,
    string? Epoch,
    string Version,
    string Release,
    string Arch,
    string? Summary,
    string? SourceRpm,
    long InstalledSize,
    long FileSize,
    string PayloadCompressor,
    string? PayloadFormat,
    int FileCount,
    IReadOnlyList<string> SignatureKeyIds,
    IReadOnlyDictionary<string, RpmInfoDependency[]> Dependencies);

/// <summary>One check as `keel rpm verify --json` prints it.</summary>
internal sealed record RpmVerifyCheck(string Name, string Status, string? Detail, string? KeyId);

/// <summary>The result of `keel rpm verify --json`.</summary>
internal sealed record RpmVerifyOutput(string File, bool Ok, RpmVerifyCheck[] Checks);

/// <summary>Source-generated JSON for the rpm commands.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RpmInfoOutput))]
[JsonSerializable(typeof(RpmVerifyOutput))]
internal sealed partial class RpmJsonContext : JsonSerializerContext;
