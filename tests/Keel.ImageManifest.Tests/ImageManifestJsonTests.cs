using System.Text;

namespace Keel.ImageManifest.Tests;

/// <summary>image.json is deterministic (stable order, fixed layout) and reads back to the same document.</summary>
public sealed class ImageManifestJsonTests
{
    internal static ImageManifestDocument Sample(params ManifestPackage[] packages) => new()
    {
        ConfigDigest = "sha256:" + new string('a', 64),
        Distribution = "azurelinux 4.0",
        Preset = "minimal",
        BuildTime = DateTimeOffset.FromUnixTimeSeconds(1735689600),
        Seed = "s",
        KeelVersion = "1.0.0",
        Repositories = [new ManifestRepository("z-repo", "file:///z", "2", "bb"), new ManifestRepository("a-repo", "file:///a", "1", "aa")],
        Packages = packages.Length > 0 ? packages :
        [
            new ManifestPackage("zlib", null, "1.3", "1", "x86_64", "11", "a-repo"),
            new ManifestPackage("bash", 0, "5.2", "3", "x86_64", "22", "a-repo"),
            new ManifestPackage("bash", 1, "5.2", "3", "aarch64", "33", "z-repo"),
        ],
        Config = "apiVersion: keel/v1\n",
    };

    [Fact]
    public void The_same_document_in_any_order_gives_the_same_bytes_sorted_by_name_and_arch()
    {
        var a = Sample();
        var b = a with { Packages = [.. a.Packages.Reverse()], Repositories = [.. a.Repositories.Reverse()] };
        var bytes = ImageManifestJson.Serialize(a);
        Assert.Equal(bytes, ImageManifestJson.Serialize(b));

        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("}\n", text);
        Assert.DoesNotContain("\r", text);
        Assert.True(text.IndexOf("\"bash\"", StringComparison.Ordinal) < text.IndexOf("\"zlib\"", StringComparison.Ordinal));
        Assert.True(text.IndexOf("aarch64", StringComparison.Ordinal) < text.IndexOf("x86_64", StringComparison.Ordinal));
        Assert.True(text.IndexOf("a-repo\"", StringComparison.Ordinal) < text.IndexOf("z-repo\"", StringComparison.Ordinal));
        Assert.Contains("\"apiVersion\": \"keel.image/v1\"", text);
        Assert.Contains("\"headerSha256\": \"11\"", text);
        Assert.Contains("\"nevra\": \"bash-1:5.2-3.aarch64\"", text);
        Assert.Contains("\"buildTime\": \"2025-01-01T00:00:00+00:00\"", text);
    }

    [Fact]
    public void A_manifest_reads_back_to_the_same_document()
    {
        var bytes = ImageManifestJson.Serialize(Sample());
        var parsed = ImageManifestJson.Parse(bytes, "image.json");
        Assert.Equal(bytes, ImageManifestJson.Serialize(parsed));
        Assert.Equal("bash-1:5.2-3.aarch64", parsed.Packages[0].Nevra);
        Assert.Equal("bash-5.2-3.x86_64", parsed.Packages[1].Nevra);
    }

    [Theory]
    [InlineData("{", "image.json: not a valid image manifest")]
    [InlineData("{\"apiVersion\":\"keel.image/v2\",\"configDigest\":\"x\",\"distribution\":\"d\",\"buildTime\":\"2025-01-01T00:00:00Z\",\"repositories\":[],\"packages\":[]}",
        "image.json: apiVersion 'keel.image/v2' is not keel.image/v1")]
    [InlineData("{\"apiVersion\":\"keel.image/v1\"}", "image.json: not a valid image manifest")]
    public void Bad_input_is_one_error_naming_the_file(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageManifestJson.Parse(Encoding.UTF8.GetBytes(json), "image.json"));
        Assert.StartsWith(expected, e.Message);
    }
}
