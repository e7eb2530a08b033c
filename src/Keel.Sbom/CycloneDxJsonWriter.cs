using System.Text.Json;

namespace Keel.Sbom;

/// <summary>
/// CycloneDX 1.6 JSON: the image is metadata.component (an operating-system), every rpmdb entry a component whose
/// bom-ref is its purl, and the dependency graph lists each package's installed providers.
/// </summary>
internal static class CycloneDxJsonWriter
{
    private const string ImageRef = "image";

    public static void Write(Utf8JsonWriter json, SystemInventory inventory, SbomSubject subject)
    {
        var refs = inventory.Packages.Select(p => PackageUrl.ForRpm(p, subject.DistroId, subject.DistroVersion)).ToArray();

        json.WriteStartObject();
        json.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        json.WriteString("bomFormat", "CycloneDX");
        json.WriteString("specVersion", "1.6");
        json.WriteString("serialNumber", SerialNumber(subject.ContentDigest));
        json.WriteNumber("version", 1);

        json.WriteStartObject("metadata");
        json.WriteString("timestamp", subject.CreatedText);
        json.WriteStartObject("tools");
        json.WriteStartArray("components");
        json.WriteStartObject();
        json.WriteString("type", "application");
        json.WriteString("name", "keel");
        json.WriteString("version", subject.ToolVersion);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("component");
        json.WriteString("type", "operating-system");
        json.WriteString("bom-ref", ImageRef);
        json.WriteString("name", subject.Name);
        if (subject.Version is { } version)
        {
            json.WriteString("version", version);
        }

        Properties(json, subject.Properties);
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("components");
        for (int i = 0; i < inventory.Packages.Count; i++)
        {
            WriteComponent(json, inventory.Packages[i], refs[i]);
        }

        json.WriteEndArray();

        json.WriteStartArray("dependencies");
        json.WriteStartObject();
        json.WriteString("ref", ImageRef);
        json.WriteStartArray("dependsOn");
        foreach (var r in refs)
        {
            json.WriteStringValue(r);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        for (int i = 0; i < inventory.Packages.Count; i++)
        {
            json.WriteStartObject();
            json.WriteString("ref", refs[i]);
            json.WriteStartArray("dependsOn");
            foreach (var d in inventory.Packages[i].DependsOn)
            {
                json.WriteStringValue(refs[d]);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A UUID (version 5 layout) from the content digest: the same content, the same serial number.</summary>
    internal static string SerialNumber(string contentDigest)
    {
        var b = Convert.FromHexString(contentDigest.AsSpan(0, 32));
        b[6] = (byte)((b[6] & 0x0F) | 0x50);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        var h = Convert.ToHexStringLower(b);
        return $"urn:uuid:{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..]}";
    }

    private static void WriteComponent(Utf8JsonWriter json, InventoryPackage p, string purl)
    {
        json.WriteStartObject();
        // gpg-pubkey entries are keys that rpm trusts, not software.
        json.WriteString("type", p.IsPublicKey ? "cryptographic-asset" : "library");
        json.WriteString("bom-ref", purl);
        if (p.Vendor is { Length: > 0 } vendor)
        {
            json.WriteStartObject("supplier");
            json.WriteString("name", vendor);
            json.WriteEndObject();
        }

        if (p.Packager is { Length: > 0 } packager)
        {
            json.WriteString("publisher", packager);
        }

        json.WriteString("name", p.Name);
        json.WriteString("version", p.VersionText());
        if (p.Summary is { Length: > 0 } summary)
        {
            json.WriteString("description", summary);
        }

        if (p.HeaderSha256 is not null || p.HeaderSha1 is not null)
        {
            json.WriteStartArray("hashes");
            if (p.HeaderSha256 is { } sha256)
            {
                Hash(json, "SHA-256", sha256);
            }

            if (p.HeaderSha1 is { } sha1)
            {
                Hash(json, "SHA-1", sha1);
            }

            json.WriteEndArray();
        }

        // rpm --import writes "pubkey" into a key's License tag: that is not a licence.
        if (p.License is { Length: > 0 } license && !p.IsPublicKey)
        {
            json.WriteStartArray("licenses");
            json.WriteStartObject();
            if (LicenseExpression.IsSpdxExpression(license))
            {
                json.WriteString("expression", license.Trim());
            }
            else
            {
                json.WriteStartObject("license");
                json.WriteString("name", license);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteString("purl", purl);
        if (SbomWriter.WebUrl(p.Url) is { } url)
        {
            json.WriteStartArray("externalReferences");
            json.WriteStartObject();
            json.WriteString("type", "website");
            json.WriteString("url", url);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        var properties = new List<KeyValuePair<string, string>> { new("rpm:arch", p.Arch) };
        if (p.Evr.Epoch is { } epoch)
        {
            properties.Add(new("rpm:epoch", epoch));
        }

        if (p.SourceRpm is { } srpm && !p.IsPublicKey)
        {
            properties.Add(new("rpm:sourcerpm", srpm));
        }

        properties.Add(new("rpm:checksum", "hashes are RPMTAG_SHA256HEADER/SHA1HEADER: digests of the signed header"));
        Properties(json, properties);
        json.WriteEndObject();
    }

    private static void Hash(Utf8JsonWriter json, string alg, string content)
    {
        json.WriteStartObject();
        json.WriteString("alg", alg);
        json.WriteString("content", content);
        json.WriteEndObject();
    }

    private static void Properties(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> properties)
    {
        if (properties.Count == 0)
        {
            return;
        }

        json.WriteStartArray("properties");
        foreach (var (name, value) in properties)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
