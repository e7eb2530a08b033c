using Keel.Repository.Definitions;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>The parsed-metadata cache: equal results warm, rebuilt when corrupt, nothing cached for bad data.</summary>
public sealed class CacheTests
{
    private static readonly string BaseOs = TestPaths.Oracle("osbuild-images", "test", "data", "testrepo");

    [Fact]
    public async Task WarmLoad_ReturnsEqualPackages()
    {
        var cache = TestSupport.TempCache();
        var options = new RepositoryLoadOptions { Cache = cache, IncludeFilelists = true };
        using var loader = new RepositoryLoader();
        var def = new RepositoryDefinition { Id = "baseos", BaseUrls = [BaseOs] };
        var cold = await loader.LoadAsync(def, options);
        var parsed = Directory.GetFiles(Path.Combine(cache.Root, "parsed"));
        Assert.Equal(2, parsed.Length);
        var warm = await loader.LoadAsync(def, options);
        var uncached = await loader.LoadAsync(def, options with { UseParsedCache = false });
        AssertSame(uncached, cold);
        AssertSame(uncached, warm);
    }

    [Fact]
    public async Task CorruptCache_IsRebuiltNotTrusted()
    {
        var cache = TestSupport.TempCache();
        var options = new RepositoryLoadOptions { Cache = cache };
        using var loader = new RepositoryLoader();
        var def = new RepositoryDefinition { Id = "baseos", BaseUrls = [BaseOs] };
        var first = await loader.LoadAsync(def, options);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(cache.Root, "parsed")));
        var length = new FileInfo(file).Length;

        // Truncated, then garbage in the middle (indices out of range), then an empty file.
        foreach (var damage in new Action[]
        {
            () => { using var fs = File.OpenWrite(file); fs.SetLength(length / 2); },
            () => { using var fs = File.OpenWrite(file); fs.Position = length / 3; fs.Write(Enumerable.Repeat((byte)0xff, 4096).ToArray()); },
            () => File.WriteAllBytes(file, []),
        })
        {
            damage();
            var again = await loader.LoadAsync(def, options);
            AssertSame(first, again);
            Assert.Equal(length, new FileInfo(file).Length);
        }
    }

    [Fact]
    public async Task WrongChecksumInRepomd_IsAnErrorAndNothingIsCached()
    {
        var dir = TestSupport.TempDir();
        TestSupport.CopyDirectory(TestSupport.CreaterepoData("repo_02"), dir);
        var repomd = Path.Combine(dir, "repodata", "repomd.xml");
        var doc = Keel.Repository.Metadata.RepoMdReader.ReadFile(repomd);
        var primary = doc.Find("primary")!;
        var wrong = new string('0', 64);
        File.WriteAllText(repomd, File.ReadAllText(repomd).Replace($">{primary.Checksum.Hex}<", $">{wrong}<", StringComparison.Ordinal));
        var cache = TestSupport.TempCache();
        using var loader = new RepositoryLoader();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => loader.LoadAsync(new RepositoryDefinition { Id = "bad", BaseUrls = [dir] }, new RepositoryLoadOptions { Cache = cache }));
        Assert.Contains(Path.GetFileName(primary.Location), ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected " + wrong, ex.Message, StringComparison.Ordinal);
        Assert.Contains("actual " + primary.Checksum.Hex, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cache.Root, "parsed")) && Directory.EnumerateFileSystemEntries(Path.Combine(cache.Root, "parsed")).Any());
    }

    [Fact]
    public async Task WrongOpenChecksum_IsAnErrorAndNothingIsCached()
    {
        var dir = TestSupport.TempDir();
        TestSupport.CopyDirectory(TestSupport.CreaterepoData("repo_02"), dir);
        var repomd = Path.Combine(dir, "repodata", "repomd.xml");
        var primary = Keel.Repository.Metadata.RepoMdReader.ReadFile(repomd).Find("primary")!;
        File.WriteAllText(repomd, File.ReadAllText(repomd).Replace($">{primary.OpenChecksum!.Hex}<", $">{new string('1', 64)}<", StringComparison.Ordinal));
        var cache = TestSupport.TempCache();
        using var loader = new RepositoryLoader();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => loader.LoadAsync(new RepositoryDefinition { Id = "bad", BaseUrls = [dir] }, new RepositoryLoadOptions { Cache = cache }));
        Assert.Contains("open-checksum", ex.Message, StringComparison.Ordinal);
        Assert.Contains("actual " + primary.OpenChecksum.Hex, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cache.Root, "parsed")));
    }

    private static void AssertSame(LoadedRepository expected, LoadedRepository actual)
    {
        Assert.Equal(expected.Packages.Count, actual.Packages.Count);
        for (int i = 0; i < expected.Packages.Count; i++)
        {
            var a = expected.Packages[i];
            var b = actual.Packages[i];
            Assert.Equal(a.Nevra, b.Nevra);
            Assert.Equal(a.Evr, b.Evr);
            Assert.Equal(a.Location, b.Location);
            Assert.Equal(a.Summary, b.Summary);
            Assert.Equal(a.SourceRpm, b.SourceRpm);
            Assert.Equal(a.InstalledSize, b.InstalledSize);
            Assert.Equal(a.RepositoryId, b.RepositoryId);
            Assert.Equal(a.Provides, b.Provides);
            Assert.Equal(a.Requires, b.Requires);
            Assert.Equal(a.Conflicts, b.Conflicts);
            Assert.Equal(a.Obsoletes, b.Obsoletes);
            Assert.Equal(a.Recommends, b.Recommends);
            Assert.Equal(a.Suggests, b.Suggests);
            Assert.Equal(a.Supplements, b.Supplements);
            Assert.Equal(a.Enhances, b.Enhances);
            Assert.Equal(a.Files, b.Files);
        }
    }
}
