using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.ImageManifest;

namespace Keel.Sbom;

/// <summary>
/// Reads an image manifest (keel.image/v1) for sbom, scan and diff. The signature is not checked here: these commands
/// describe a system, keel validate vouches for it.
/// </summary>
/// <remarks>
/// Minimal stand-in until Keel.ImageManifest carries the manifest's own serializer (the manifest helper's branch);
/// it reads the same camelCase JSON and refuses any other apiVersion.
/// </remarks>
public static class ImageManifestReader
{
    /// <summary>Largest manifest accepted (a manifest of 10 000 packages is about 2 MB).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>Parses a manifest's bytes; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a keel.image/v1 document.</exception>
    public static ImageManifestDocument Parse(ReadOnlySpan<byte> json, string name)
    {
        if (json.Length > MaxBytes)
        {
            throw new InvalidDataException($"{name}: image manifest larger than {MaxBytes} bytes");
        }

        ImageManifestDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ManifestReadJsonContext.Default.ImageManifestDocument);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: not an image manifest: {ex.Message}", ex);
        }

        if (document is null)
        {
            throw new InvalidDataException($"{name}: not an image manifest: null");
        }

        if (!string.Equals(document.ApiVersion, ImageManifestDocument.CurrentApiVersion, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: apiVersion '{document.ApiVersion}' is not {ImageManifestDocument.CurrentApiVersion}");
        }

        return document;
    }

    /// <summary>Reads a manifest file.</summary>
    public static ImageManifestDocument ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        if (stream.Length > MaxBytes)
        {
            throw new InvalidDataException($"{path}: image manifest larger than {MaxBytes} bytes");
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Parse(bytes, path);
    }
}

/// <summary>Source-generated (NativeAOT-safe) JSON for reading manifests.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageManifestDocument))]
internal sealed partial class ManifestReadJsonContext : JsonSerializerContext;
