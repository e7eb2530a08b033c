using System.Text.Encodings.Web;
using System.Text.Json;

namespace Keel.Sbom;

/// <summary>The SBOM formats keel writes.</summary>
public enum SbomFormat
{
    /// <summary>SPDX 2.3, JSON.</summary>
    SpdxJson,

    /// <summary>CycloneDX 1.6, JSON.</summary>
    CycloneDxJson,
}

/// <summary>Writes an inventory in one of the <see cref="SbomFormat"/>s.</summary>
public static class SbomWriter
{
    /// <summary>Parses "spdx-json" or "cyclonedx-json".</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static SbomFormat ParseFormat(string text) => text switch
    {
        "spdx-json" => SbomFormat.SpdxJson,
        "cyclonedx-json" => SbomFormat.CycloneDxJson,
        _ => throw new ArgumentException($"--format '{text}': expected spdx-json or cyclonedx-json"),
    };

    /// <summary>Writes the document as UTF-8 JSON; the same inventory and subject always give the same bytes.</summary>
    public static void Write(Stream output, SystemInventory inventory, SbomSubject subject, SbomFormat format)
    {
        // Relaxed escaping keeps '+' and '<' readable; the document is data, never embedded in HTML.
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };
        using var json = new Utf8JsonWriter(output, options);
        switch (format)
        {
            case SbomFormat.SpdxJson:
                SpdxJsonWriter.Write(json, inventory, subject);
                break;
            case SbomFormat.CycloneDxJson:
                CycloneDxJsonWriter.Write(json, inventory, subject);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }

        json.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>The document as a byte array.</summary>
    public static byte[] ToBytes(SystemInventory inventory, SbomSubject subject, SbomFormat format)
    {
        using var ms = new MemoryStream();
        Write(ms, inventory, subject, format);
        return ms.ToArray();
    }

    /// <summary>An absolute http(s) URL from a package's URL tag, or null when it is not one (the schemas want URIs).</summary>
    internal static string? WebUrl(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;
}
