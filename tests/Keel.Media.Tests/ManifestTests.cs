using System.Text;
using Keel.Media.Manifest;

namespace Keel.Media.Tests;

public sealed class ManifestTests
{
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);

    [Fact]
    public void Written_manifest_parses_back_sorted_with_spaces_in_paths()
    {
        var manifest = MediumManifest.Create([new ManifestEntry("repo/b c.rpm", 12, HashB), new ManifestEntry("LiveOS/squashfs.img", 3, HashA)]);
        var bytes = manifest.ToBytes();
        Assert.Equal($"{HashA}  3  LiveOS/squashfs.img\n{HashB}  12  repo/b c.rpm\n", Encoding.UTF8.GetString(bytes));
        var parsed = MediumManifest.Parse(bytes, "m");
        Assert.Equal(manifest.Entries, parsed.Entries);
        Assert.Equal(15, parsed.TotalBytes);
    }

    [Theory]
    [InlineData("HASHA  1  b\nHASHA  1  a\n", "out of order")]
    [InlineData("HASHA  1  a\nHASHA  1  a\n", "out of order or listed twice")]
    [InlineData("HASHA  1  a", "does not end with a newline")]
    [InlineData("HASHA  x  a\n", "not a 'SHA256  SIZE  PATH' line")]
    [InlineData("HASHA 1 a\n", "not a 'SHA256  SIZE  PATH' line")]
    [InlineData("HASHU  1  a\n", "not a 'SHA256  SIZE  PATH' line")]
    [InlineData("HASHA  1  ../etc/passwd\n", "not a plain relative path")]
    [InlineData("HASHA  1  /etc/passwd\n", "not a plain relative path")]
    [InlineData("HASHA  1  a//b\n", "not a plain relative path")]
    [InlineData("HASHA  -1  a\n", "not a 'SHA256  SIZE  PATH' line")]
    public void Malformed_manifests_are_refused_with_the_line(string text, string expected)
    {
        text = text.Replace("HASHA", HashA, StringComparison.Ordinal).Replace("HASHU", HashA.ToUpperInvariant(), StringComparison.Ordinal);
        var ex = Assert.Throws<InvalidDataException>(() => MediumManifest.Parse(Encoding.UTF8.GetBytes(text), "keel/manifest"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("keel/manifest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_refuses_duplicates_and_escaping_paths()
    {
        Assert.Throws<InvalidDataException>(() => MediumManifest.Create([new ManifestEntry("a", 1, HashA), new ManifestEntry("a", 1, HashB)]));
        Assert.Throws<InvalidDataException>(() => MediumManifest.Create([new ManifestEntry("a/../b", 1, HashA)]));
    }

    [Fact]
    public void Non_utf8_manifest_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes($"{HashA}  1  a").Concat(new byte[] { 0xff, (byte)'\n' }).ToArray();
        Assert.Contains("not UTF-8", Assert.Throws<InvalidDataException>(() => MediumManifest.Parse(bytes, "m")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsigned_paths_are_the_manifest_its_signature_and_the_customization()
    {
        Assert.True(MediumLayout.IsUnsigned("keel/manifest"));
        Assert.True(MediumLayout.IsUnsigned("keel/manifest.asc"));
        Assert.True(MediumLayout.IsUnsigned("keel/custom/keel.yaml"));
        Assert.False(MediumLayout.IsUnsigned("keel/medium.json"));
        Assert.False(MediumLayout.IsUnsigned("keel/customs"));
    }
}
