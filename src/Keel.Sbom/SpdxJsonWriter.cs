using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Keel.Sbom;

/// <summary>
/// SPDX 2.3 JSON: the image is the described package (DESCRIBES), it CONTAINS every rpmdb entry, and each package
/// DEPENDS_ON the installed packages that satisfy its requires.
/// </summary>
internal static class SpdxJsonWriter
{
    private const string NoAssertion = "NOASSERTION";
    private const string ImageId = "SPDXRef-Image";

    public static void Write(Utf8JsonWriter json, SystemInventory inventory, SbomSubject subject)
    {
        var ids = inventory.Packages.Select(PackageId).ToArray();
        var extracted = new SortedDictionary<string, string>(StringComparer.Ordinal);

        json.WriteStartObject();
        json.WriteString("spdxVersion", "SPDX-2.3");
        json.WriteString("dataLicense", "CC0-1.0");
        json.WriteString("SPDXID", "SPDXRef-DOCUMENT");
        json.WriteString("name", subject.Name);
        json.WriteString("documentNamespace", $"https://keel.invalid/spdx/{PackageUrl.Encode(subject.Name)}-{subject.ContentDigest}");
        json.WriteStartObject("creationInfo");
        json.WriteString("created", subject.CreatedText);
        json.WriteStartArray("creators");
        json.WriteStringValue($"Tool: keel-{subject.ToolVersion}");
        json.WriteEndArray();
        json.WriteString("comment", "Every entry of the rpmdb (rpm -qa), read by keel sbom. Package checksums are RPMTAG_SHA256HEADER / RPMTAG_SHA1HEADER: digests of the package's signed header, which records the payload digest.");
        json.WriteEndObject();

        json.WriteStartArray("packages");
        WriteImage(json, subject);
        for (int i = 0; i < inventory.Packages.Count; i++)
        {
            WritePackage(json, inventory.Packages[i], ids[i], subject, extracted);
        }

        json.WriteEndArray();

        if (extracted.Count > 0)
        {
            json.WriteStartArray("hasExtractedLicensingInfos");
            foreach (var (id, text) in extracted)
            {
                json.WriteStartObject();
                json.WriteString("licenseId", id);
                json.WriteString("name", text);
                json.WriteString("extractedText", $"The RPM License tag says \"{text}\"; the licence text itself is not in the package metadata.");
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("relationships");
        Relationship(json, "SPDXRef-DOCUMENT", "DESCRIBES", ImageId);
        foreach (var id in ids)
        {
            Relationship(json, ImageId, "CONTAINS", id);
        }

        for (int i = 0; i < inventory.Packages.Count; i++)
        {
            foreach (var d in inventory.Packages[i].DependsOn)
            {
                Relationship(json, ids[i], "DEPENDS_ON", ids[d]);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// "SPDXRef-Package-NAME-ARCH-DIGEST": readable, and unique because the digest (the header SHA-256's first 16 hex digits,
    /// or a digest of the NEVRA) tells builds apart; characters SPDX ids do not allow become '-'.
    /// </summary>
    internal static string PackageId(InventoryPackage p)
    {
        var digest = p.HeaderSha256 ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(p.Nevra)));
        var raw = $"SPDXRef-Package-{p.Name}-{(p.Arch == "(none)" ? "noarch" : p.Arch)}-{digest[..16]}";
        var sb = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
        }

        return sb.ToString();
    }

    private static void WriteImage(Utf8JsonWriter json, SbomSubject subject)
    {
        json.WriteStartObject();
        json.WriteString("SPDXID", ImageId);
        json.WriteString("name", subject.Name);
        if (subject.Version is { } version)
        {
            json.WriteString("versionInfo", version);
        }

        json.WriteString("supplier", NoAssertion);
        json.WriteString("downloadLocation", NoAssertion);
        json.WriteBoolean("filesAnalyzed", false);
        json.WriteString("licenseConcluded", NoAssertion);
        json.WriteString("licenseDeclared", NoAssertion);
        json.WriteString("copyrightText", NoAssertion);
        json.WriteString("primaryPackagePurpose", "OPERATING_SYSTEM");
        if (subject.Properties.Count > 0)
        {
            json.WriteString("comment", string.Join("; ", subject.Properties.Select(p => $"{p.Key}={p.Value}")));
        }

        json.WriteEndObject();
    }

    private static void WritePackage(Utf8JsonWriter json, InventoryPackage p, string id, SbomSubject subject, SortedDictionary<string, string> extracted)
    {
        json.WriteStartObject();
        json.WriteString("SPDXID", id);
        json.WriteString("name", p.Name);
        json.WriteString("versionInfo", p.VersionText());
        json.WriteString("supplier", Supplier(p));
        json.WriteString("downloadLocation", NoAssertion);
        json.WriteBoolean("filesAnalyzed", false);
        if (SbomWriter.WebUrl(p.Url) is { } url)
        {
            json.WriteString("homepage", url);
        }

        if (p.SourceRpm is { } srpm && !p.IsPublicKey)
        {
            json.WriteString("sourceInfo", $"built from source package {srpm}");
        }

        json.WriteString("licenseConcluded", NoAssertion);
        // rpm --import writes "pubkey" into a key's License tag: that is not a licence.
        json.WriteString("licenseDeclared", p.IsPublicKey ? NoAssertion : DeclaredLicense(p.License, extracted));
        json.WriteString("copyrightText", NoAssertion);
        if (p.Summary is { Length: > 0 } summary)
        {
            json.WriteString("summary", summary);
        }

        if (p.IsPublicKey)
        {
            json.WriteString("comment", "An OpenPGP public key imported into the rpmdb (rpm --import), not software; listed because rpm -qa lists it.");
        }

        if (p.HeaderSha256 is not null || p.HeaderSha1 is not null)
        {
            json.WriteStartArray("checksums");
            if (p.HeaderSha256 is { } sha256)
            {
                Checksum(json, "SHA256", sha256);
            }

            if (p.HeaderSha1 is { } sha1)
            {
                Checksum(json, "SHA1", sha1);
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("externalRefs");
        json.WriteStartObject();
        json.WriteString("referenceCategory", "PACKAGE-MANAGER");
        json.WriteString("referenceType", "purl");
        json.WriteString("referenceLocator", PackageUrl.ForRpm(p, subject.DistroId, subject.DistroVersion));
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Supplier(InventoryPackage p) =>
        p.Vendor is { Length: > 0 } vendor ? $"Organization: {vendor}"
        : p.Packager is { Length: > 0 } packager ? $"Organization: {packager}"
        : NoAssertion;

    // An SPDX expression is kept as it is (its LicenseRef-s get an extracted-licence entry, as SPDX requires); free text
    // becomes a LicenseRef of its own, named by a digest of the text so the same text always gets the same id.
    private static string DeclaredLicense(string? license, SortedDictionary<string, string> extracted)
    {
        if (string.IsNullOrWhiteSpace(license))
        {
            return NoAssertion;
        }

        if (LicenseExpression.IsSpdxExpression(license))
        {
            foreach (var token in license.Replace("(", " ", StringComparison.Ordinal).Replace(")", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.StartsWith("LicenseRef-", StringComparison.Ordinal))
                {
                    extracted.TryAdd(token, token["LicenseRef-".Length..]);
                }
            }

            return license.Trim();
        }

        var id = "LicenseRef-rpm-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(license)))[..16];
        extracted.TryAdd(id, license);
        return id;
    }

    private static void Checksum(Utf8JsonWriter json, string algorithm, string value)
    {
        json.WriteStartObject();
        json.WriteString("algorithm", algorithm);
        json.WriteString("checksumValue", value);
        json.WriteEndObject();
    }

    private static void Relationship(Utf8JsonWriter json, string from, string type, string to)
    {
        json.WriteStartObject();
        json.WriteString("spdxElementId", from);
        json.WriteString("relationshipType", type);
        json.WriteString("relatedSpdxElement", to);
        json.WriteEndObject();
    }
}
