using System.Text.Json;

namespace Keel.Sbom.Tests;

/// <summary>Both SBOM formats of a real installed root: official schemas, rpm -qa, dependencies, determinism.</summary>
public sealed class SbomDocumentTests(InstalledRootFixture fixture) : IClassFixture<InstalledRootFixture>
{
    private byte[] Document(SbomFormat format, string? sourceDateEpoch = null)
    {
        var inventory = SystemInventory.Read(fixture.Root, "root " + fixture.Root);
        return SbomWriter.ToBytes(inventory, SbomSubject.From(inventory, sourceDateEpoch), format);
    }

    [Fact]
    public void Spdx_ValidatesAgainstTheOfficialSpdx23Schema()
    {
        var errors = SchemaValidator.Spdx23().Errors(Document(SbomFormat.SpdxJson));
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public void CycloneDx_ValidatesAgainstTheOfficialCycloneDx16Schema()
    {
        var errors = SchemaValidator.CycloneDx16().Errors(Document(SbomFormat.CycloneDxJson));
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public void Validators_RejectDocumentsTheSchemasForbid()
    {
        // The validation above could pass by accident if the schemas were not applied: show that they bite.
        var spdx = JsonNodeOf(Document(SbomFormat.SpdxJson));
        spdx["packages"]![1]!["checksums"]![0]!["algorithm"] = "SHA-256";
        Assert.NotEmpty(SchemaValidator.Spdx23().Errors(JsonSerializer.SerializeToUtf8Bytes(spdx)));

        var cdx = JsonNodeOf(Document(SbomFormat.CycloneDxJson));
        cdx["components"]![0]!["licenses"]![0]!["expression"] = null;
        cdx["serialNumber"] = "not-a-urn";
        Assert.NotEmpty(SchemaValidator.CycloneDx16().Errors(JsonSerializer.SerializeToUtf8Bytes(cdx)));
    }

    [Fact]
    public void Spdx_ListsExactlyRpmQa()
    {
        using var doc = JsonDocument.Parse(Document(SbomFormat.SpdxJson));
        var listed = doc.RootElement.GetProperty("packages").EnumerateArray()
            .Where(p => p.GetProperty("SPDXID").GetString() != "SPDXRef-Image")
            .Select(p => NevraFromPurl(p.GetProperty("externalRefs")[0].GetProperty("referenceLocator").GetString()!, p.GetProperty("name").GetString()!))
            .Order(StringComparer.Ordinal)
            .ToList();
        var rpmQa = FixtureRoot.RpmQa(fixture.Root);
        Assert.Contains(rpmQa, n => n.StartsWith("gpg-pubkey-", StringComparison.Ordinal));
        Assert.Contains(rpmQa, n => n.StartsWith("shadow-utils-2:", StringComparison.Ordinal)); // an epoch is kept
        Assert.Equal(2, rpmQa.Count(n => n.StartsWith("kernel-core-", StringComparison.Ordinal))); // install-only: both listed
        Assert.Equal(rpmQa, listed);
    }

    [Fact]
    public void CycloneDx_ListsExactlyRpmQa()
    {
        using var doc = JsonDocument.Parse(Document(SbomFormat.CycloneDxJson));
        var listed = doc.RootElement.GetProperty("components").EnumerateArray()
            .Select(c => NevraFromPurl(c.GetProperty("purl").GetString()!, c.GetProperty("name").GetString()!))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(FixtureRoot.RpmQa(fixture.Root), listed);
    }

    [Theory]
    [InlineData("openssh-server")]
    [InlineData("sudo")]
    [InlineData("python3")]
    [InlineData("bash")]
    public void Dependencies_AreTheInstalledProvidersRpmNames(string name)
    {
        // Oracle: for each of the package's requires, the packages `rpm -q --whatprovides` names in the same root. rpm
        // 4.18's --whatprovides takes a name, not a range, so the range is dropped: the fixture has one installed
        // provider version per name, and range matching itself is Dependency.RangesOverlap, checked against rpm's
        // rpmdepmatch tables in Keel.Packaging.Tests. rpm -q prints no epoch; the SBOM side is compared the same way.
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        var self = FixtureRoot.Run("rpm", ["--root", fixture.Root, "--dbpath", FixtureRoot.DbPath, "-q", name]).Trim();
        foreach (var require in FixtureRoot.Run("rpm", ["--root", fixture.Root, "--dbpath", FixtureRoot.DbPath, "-qR", name]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (require.StartsWith("rpmlib(", StringComparison.Ordinal) || require.StartsWith('('))
            {
                continue;
            }

            try
            {
                foreach (var p in FixtureRoot.Run("rpm", ["--root", fixture.Root, "--dbpath", FixtureRoot.DbPath, "-q", "--whatprovides", require.Trim().Split(' ')[0]]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    expected.Add(p.Trim());
                }
            }
            catch (InvalidOperationException)
            {
                // "no package provides": nothing installed satisfies it.
            }
        }

        expected.Remove(self);
        Assert.NotEmpty(expected);

        using var spdx = JsonDocument.Parse(Document(SbomFormat.SpdxJson));
        var nevraById = spdx.RootElement.GetProperty("packages").EnumerateArray()
            .Where(p => p.GetProperty("SPDXID").GetString() != "SPDXRef-Image")
            .ToDictionary(p => p.GetProperty("SPDXID").GetString()!, p => NevraFromPurl(p.GetProperty("externalRefs")[0].GetProperty("referenceLocator").GetString()!, p.GetProperty("name").GetString()!));
        var selfId = nevraById.Single(kv => WithoutEpoch(kv.Value) == self).Key;
        var spdxDeps = spdx.RootElement.GetProperty("relationships").EnumerateArray()
            .Where(r => r.GetProperty("relationshipType").GetString() == "DEPENDS_ON" && r.GetProperty("spdxElementId").GetString() == selfId)
            .Select(r => WithoutEpoch(nevraById[r.GetProperty("relatedSpdxElement").GetString()!]))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, spdxDeps);

        using var cdx = JsonDocument.Parse(Document(SbomFormat.CycloneDxJson));
        var nevraByRef = cdx.RootElement.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("bom-ref").GetString()!, c => NevraFromPurl(c.GetProperty("purl").GetString()!, c.GetProperty("name").GetString()!));
        var selfRef = nevraByRef.Single(kv => WithoutEpoch(kv.Value) == self).Key;
        var cdxDeps = cdx.RootElement.GetProperty("dependencies").EnumerateArray()
            .Single(d => d.GetProperty("ref").GetString() == selfRef)
            .GetProperty("dependsOn").EnumerateArray().Select(d => WithoutEpoch(nevraByRef[d.GetString()!])).Order(StringComparer.Ordinal);
        Assert.Equal(expected, cdxDeps);
    }

    [Theory]
    [InlineData(SbomFormat.SpdxJson)]
    [InlineData(SbomFormat.CycloneDxJson)]
    public void SameRoot_GivesTheSameBytes_AndSourceDateEpochIsTheCreationTime(SbomFormat format)
    {
        Assert.Equal(Document(format), Document(format));
        var fromManifest = System.Text.Encoding.UTF8.GetString(Document(format));
        Assert.Contains("\"2024-07-03T09:46:40Z\"", fromManifest, StringComparison.Ordinal); // the manifest's build time

        var epoch = Document(format, "1700000000");
        Assert.Equal(epoch, Document(format, "1700000000"));
        Assert.NotEqual(Document(format), epoch);
        Assert.Contains("\"2023-11-14T22:13:20Z\"", System.Text.Encoding.UTF8.GetString(epoch), StringComparison.Ordinal);
    }

    [Fact]
    public void DescribedComponent_IsTheImageNamedByItsManifestAndOsRelease()
    {
        using var spdx = JsonDocument.Parse(Document(SbomFormat.SpdxJson));
        var describes = spdx.RootElement.GetProperty("relationships").EnumerateArray().Single(r => r.GetProperty("relationshipType").GetString() == "DESCRIBES");
        Assert.Equal("SPDXRef-Image", describes.GetProperty("relatedSpdxElement").GetString());
        var image = spdx.RootElement.GetProperty("packages")[0];
        Assert.Equal("azurelinux-4.0-developer", image.GetProperty("name").GetString());
        Assert.Contains("keel:image:configDigest=sha256:aaaa", image.GetProperty("comment").GetString(), StringComparison.Ordinal);
        var contains = spdx.RootElement.GetProperty("relationships").EnumerateArray().Count(r => r.GetProperty("relationshipType").GetString() == "CONTAINS");
        Assert.Equal(FixtureRoot.RpmQa(fixture.Root).Count, contains);

        using var cdx = JsonDocument.Parse(Document(SbomFormat.CycloneDxJson));
        var component = cdx.RootElement.GetProperty("metadata").GetProperty("component");
        Assert.Equal("operating-system", component.GetProperty("type").GetString());
        Assert.Equal("azurelinux-4.0-developer", component.GetProperty("name").GetString());
        Assert.Contains(component.GetProperty("properties").EnumerateArray(), p => p.GetProperty("name").GetString() == "keel:image:seed" && p.GetProperty("value").GetString() == "sbom-test-seed");
    }

    [Fact]
    public void Packages_CarryLicenceSupplierPurlAndHeaderDigest()
    {
        var sha = FixtureRoot.Run("rpm", ["--root", fixture.Root, "--dbpath", FixtureRoot.DbPath, "-q", "--qf", "%{SHA256HEADER}", "sudo"]);
        using var cdx = JsonDocument.Parse(Document(SbomFormat.CycloneDxJson));
        var sudo = cdx.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "sudo");
        Assert.Equal("pkg:rpm/azurelinux/sudo@1.9.16p2-1.azl4?arch=x86_64&distro=azurelinux-4.0", sudo.GetProperty("purl").GetString());
        Assert.Equal("ISC", sudo.GetProperty("licenses")[0].GetProperty("expression").GetString());
        Assert.Equal("Microsoft Corporation (Keel fixture)", sudo.GetProperty("supplier").GetProperty("name").GetString());
        Assert.Equal(sha, sudo.GetProperty("hashes")[0].GetProperty("content").GetString());
    }

    private static string WithoutEpoch(string nevra) => System.Text.RegularExpressions.Regex.Replace(nevra, @"-[0-9]+:", "-");

    private static System.Text.Json.Nodes.JsonNode JsonNodeOf(byte[] bytes) => System.Text.Json.Nodes.JsonNode.Parse(bytes)!;

    // NAME-VERSION-RELEASE[.ARCH] (epoch only when non-zero, as rpm -qa prints) from the purl's version and qualifiers.
    internal static string NevraFromPurl(string purl, string name)
    {
        var at = purl.IndexOf('@', StringComparison.Ordinal);
        var q = purl.IndexOf('?', StringComparison.Ordinal);
        var version = Uri.UnescapeDataString(q < 0 ? purl[(at + 1)..] : purl[(at + 1)..q]);
        var qualifiers = q < 0 ? [] : purl[(q + 1)..].Split('&').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => Uri.UnescapeDataString(kv[1]));
        var epoch = qualifiers.TryGetValue("epoch", out var e) && e != "0" ? e + ":" : string.Empty;
        return qualifiers.TryGetValue("arch", out var arch) ? $"{name}-{epoch}{version}.{arch}" : $"{name}-{epoch}{version}";
    }
}
