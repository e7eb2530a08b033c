using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.ImageManifest;

/// <summary>The source-generated (NativeAOT-safe) serialisation of <see cref="ImageManifestDocument"/>: camelCase, indented with "\n", every key written.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, NewLine = "\n",
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(ImageManifestDocument))]
internal sealed partial class ImageManifestJsonContext : JsonSerializerContext;

/// <summary>Writes and reads image.json. Writing is deterministic: the same document gives the same bytes on every host.</summary>
public static class ImageManifestJson
{
    /// <summary>Largest manifest read (a machine with thousands of packages and a long config stays far below).</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>
    /// The UTF-8 bytes of <paramref name="document"/>, ending in a newline, with packages and repositories in their stable
    /// order (by name, arch, then version; by id), so two builds of the same thing write the same bytes.
    /// </summary>
    public static byte[] Serialize(ImageManifestDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var ordered = document with
        {
            Packages = [.. document.Packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Arch, StringComparer.Ordinal)
                .ThenBy(p => p.Nevra, StringComparer.Ordinal)],
            Repositories = [.. document.Repositories.OrderBy(r => r.Id, StringComparer.Ordinal)],
            BuildTime = document.BuildTime.ToUniversalTime(),
        };
        var json = JsonSerializer.Serialize(ordered, ImageManifestJsonContext.Default.ImageManifestDocument);
        return Encoding.UTF8.GetBytes(json + "\n");
    }

    /// <summary>Reads a manifest; InvalidDataException naming <paramref name="sourceName"/> when it is not a keel.image/v1 document.</summary>
    public static ImageManifestDocument Parse(ReadOnlySpan<byte> data, string sourceName)
    {
        if (data.Length > MaxBytes)
        {
            throw new InvalidDataException($"{sourceName}: larger than {MaxBytes} bytes; not an image manifest");
        }

        ImageManifestDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(data, ImageManifestJsonContext.Default.ImageManifestDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName}: not a valid image manifest: {e.Message}", e);
        }

        if (document is null)
        {
            throw new InvalidDataException($"{sourceName}: empty image manifest");
        }

        if (document.ApiVersion != ImageManifestDocument.CurrentApiVersion)
        {
            throw new InvalidDataException($"{sourceName}: apiVersion '{document.ApiVersion}' is not {ImageManifestDocument.CurrentApiVersion}");
        }

        return document;
    }

    /// <summary>Reads the manifest file at <paramref name="path"/>.</summary>
    public static ImageManifestDocument Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such image manifest");
        }

        if (info.Length > MaxBytes)
        {
            throw new InvalidDataException($"{path}: larger than {MaxBytes} bytes; not an image manifest");
        }

        return Parse(File.ReadAllBytes(path), path);
    }
}
