using Keel.Compression;
using Keel.Repository.Definitions;

namespace Keel.Repository.Tests;

/// <summary>Compression is chosen by content: every createrepo_c variant decodes to the plain text; zchunk is refused.</summary>
public sealed class CompressionTests
{
    [Theory]
    [InlineData("00")]
    [InlineData("01")]
    public void AllVariants_DecodeToThePlainText(string prefix)
    {
        var dir = TestSupport.CreaterepoData("compressed_files");
        var plain = File.ReadAllBytes(Path.Combine(dir, prefix + "_plain.txt"));
        var variants = Directory.GetFiles(dir, prefix + "_plain.*").ToArray();
        Assert.True(variants.Length >= 11);
        foreach (var file in variants)
        {
            // The mis-named .fooN copies include a zchunk one; content, not the name, decides.
            var head = File.ReadAllBytes(file).AsSpan(0, Math.Min(Decompression.MagicLength, (int)new FileInfo(file).Length));
            if (Decompression.Detect(head) == CompressionKind.Zchunk)
            {
                Assert.Throws<NotSupportedException>(() => Decompression.OpenFile(file));
                continue;
            }

            using var s = Decompression.OpenFile(file);
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            Assert.True(plain.AsSpan().SequenceEqual(ms.ToArray()), file);
        }
    }

    [Fact]
    public void Zchunk_IsNotSupported()
    {
        var file = TestSupport.CreaterepoData("compressed_files", "01_plain.txt.zck");
        var ex = Assert.Throws<NotSupportedException>(() => Decompression.OpenFile(file));
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepomdWithZckAndGz_PrefersTheGzVariant()
    {
        // repo_00 and repo_with_additional_metadata list primary_zck next to primary.
        using var loader = new RepositoryLoader();
        var repo = await loader.LoadAsync(
            new RepositoryDefinition { Id = "z", BaseUrls = [TestSupport.CreaterepoData("repo_with_additional_metadata")] },
            new RepositoryLoadOptions { Cache = TestSupport.TempCache(), IncludeFilelists = true });
        Assert.NotNull(repo.RepoMd.Find("primary_zck"));
        Assert.Single(repo.Packages);
        Assert.Single(repo.Advisories);
    }

    [Fact]
    public async Task RepomdWithOnlyZck_IsNotSupported()
    {
        var dir = TestSupport.TempDir();
        TestSupport.CopyDirectory(TestSupport.CreaterepoData("repo_00"), dir);
        var repomd = Path.Combine(dir, "repodata", "repomd.xml");
        var xml = File.ReadAllText(repomd);

        // Drop the non-zck primary entry.
        int start = xml.IndexOf("<data type=\"primary\">", StringComparison.Ordinal);
        int end = xml.IndexOf("</data>", start, StringComparison.Ordinal) + "</data>".Length;
        File.WriteAllText(repomd, xml.Remove(start, end - start));
        using var loader = new RepositoryLoader();
        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => loader.LoadAsync(
            new RepositoryDefinition { Id = "z", BaseUrls = [dir] }, new RepositoryLoadOptions { Cache = TestSupport.TempCache() }));
        Assert.Contains("zchunk", ex.Message, StringComparison.Ordinal);
    }
}
