using System.Text.Json.Serialization;

namespace Keel.Cli.Commands;

/// <summary>One package as `keel repo query --json` prints it.</summary>
internal sealed record RepoQueryPackage(
    string Name,
    string? Epoch,
    string Version,
    string? Release,
    string Arch,
    string Nevra,
    string? Repo,
    string? Summary,
    string? Location,
    string? ChecksumType,
    string? Checksum,
    long Size);

/// <summary>One file as `keel repo download --json` reports it.</summary>
internal sealed record RepoDownloadEntry(string Nevra, string? Repo, string Path, bool Reused);

/// <summary>Source-generated JSON for the repository commands.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RepoQueryPackage[]))]
[JsonSerializable(typeof(RepoDownloadEntry[]))]
internal sealed partial class RepoJsonContext : JsonSerializerContext;
