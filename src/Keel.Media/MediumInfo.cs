using System.Text.Json.Serialization;

namespace Keel.Media;

/// <summary>What a medium is, as `keel/medium.json` records it (signed through the manifest): read by the live installer and `keel media verify`.</summary>
public sealed record MediumInfo
{
    /// <summary>The format version of this file.</summary>
    public int FormatVersion { get; init; } = 1;

    public string Name { get; init; } = "";

    public string Distribution { get; init; } = "";

    public string Arch { get; init; } = "";

    public string VolumeLabel { get; init; } = "";

    /// <summary>The presets the medium offers, in the medium config's order.</summary>
    public IReadOnlyList<string> Presets { get; init; } = [];

    /// <summary>The offline repository's id; its files are under <see cref="MediumLayout.Repository"/>.</summary>
    public string RepositoryId { get; init; } = "";

    /// <summary>Key files on the medium (relative paths) that sign the offline repository's packages.</summary>
    public IReadOnlyList<string> RepositoryKeys { get; init; } = [];

    /// <summary>The online repository preferred during setup, or null.</summary>
    public OnlineRepositoryInfo? Online { get; init; }

    /// <summary>The key that signed the manifest (16 hex digits).</summary>
    public string SigningKeyId { get; init; } = "";

    /// <summary>The Keel version that built the medium.</summary>
    public string KeelVersion { get; init; } = "";

    /// <summary>When the medium was built (UTC, ISO 8601; SOURCE_DATE_EPOCH when set).</summary>
    public string Created { get; init; } = "";
}

/// <summary>The online repository of a medium.</summary>
public sealed record OnlineRepositoryInfo(string Id, string Baseurl, IReadOnlyList<string> Gpgkeys, int TimeoutSeconds);

/// <summary>Source-generated JSON for <see cref="MediumInfo"/> (the live installer is NativeAOT).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MediumInfo))]
public sealed partial class MediumInfoJsonContext : JsonSerializerContext;
