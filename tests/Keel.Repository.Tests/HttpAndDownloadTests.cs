using Keel.Packaging;
using Keel.Repository.Definitions;
using Keel.Repository.Download;
using Keel.Repository.Sources;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>Loading and downloading over HTTP on loopback, with failures, resume and retries; and local downloads.</summary>
public sealed class HttpAndDownloadTests : IDisposable
{
    private static readonly HttpOptions FastRetries = new() { MaxAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(20), RequestTimeout = TimeSpan.FromSeconds(10), IdleTimeout = TimeSpan.FromSeconds(10) };
    private readonly string _repoDir = TestSupport.BuildPackageRepo();
    private readonly LoopbackServer _server;
    private readonly RepositoryLoader _loader = new();

    public HttpAndDownloadTests()
    {
        _server = new LoopbackServer(_repoDir);
    }

    public void Dispose()
    {
        _server.Dispose();
        _loader.Dispose();
    }

    private Task<LoadedRepository> LoadHttp(Cache.KeelCache cache) =>
        _loader.LoadAsync(new RepositoryDefinition { Id = "web", BaseUrls = [_server.BaseUrl] }, new RepositoryLoadOptions { Cache = cache, Http = FastRetries, IncludeFilelists = true });

    [Fact]
    public async Task LoadOverHttp_EqualsLocalLoadAndDnf()
    {
        var web = await LoadHttp(TestSupport.TempCache());
        var local = await _loader.LoadAsync(new RepositoryDefinition { Id = "local", BaseUrls = [_repoDir] }, new RepositoryLoadOptions { Cache = TestSupport.TempCache(), IncludeFilelists = true });
        Assert.Equal(TestSupport.DnfRepoQuery(_repoDir), TestSupport.KeelRepoQuery(web));
        Assert.Equal(local.Packages.Select(p => (p.Nevra, p.Location!.Checksum)), web.Packages.Select(p => (p.Nevra, p.Location!.Checksum)));
        Assert.Equal(local.Packages.Select(p => p.Files.Count), web.Packages.Select(p => p.Files.Count));
        Assert.Contains(_server.Log, l => l.StartsWith("GET /repodata/repomd.xml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repomd503ThenOk_IsRetried()
    {
        int failures = 0;
        _server.Intercept = (ctx, path) => path == "repodata/repomd.xml" && Interlocked.Increment(ref failures) <= 2 && LoopbackServer.Status(ctx, 503);
        var repo = await LoadHttp(TestSupport.TempCache());
        Assert.NotEmpty(repo.Packages);
        Assert.Equal(3, _server.Log.Count(l => l.StartsWith("GET /repodata/repomd.xml", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Persistent503_FailsWithTheStatusInTheMessage()
    {
        _server.Intercept = (ctx, path) => path == "repodata/repomd.xml" && LoopbackServer.Status(ctx, 503);
        var ex = await Assert.ThrowsAnyAsync<IOException>(() => LoadHttp(TestSupport.TempCache()));
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_server.BaseUrl + "repodata/repomd.xml", ex.Message, StringComparison.Ordinal);
        Assert.Equal(FastRetries.MaxAttempts, _server.Log.Count(l => l.StartsWith("GET /repodata/repomd.xml", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Download_VerifiesCachesAndReuses()
    {
        var cache = TestSupport.TempCache();
        var repo = await LoadHttp(cache);
        var dest = TestSupport.TempDir();
        var verifier = new RecordingVerifier();
        var events = new List<DownloadProgress>();
        var downloader = new PackageDownloader(verifier, new DownloadOptions { Cache = cache, MaxParallel = 3 });
        var results = await downloader.DownloadAsync(repo.Packages, [repo], dest, new SyncProgress<DownloadProgress>(events.Add));
        Assert.Equal(repo.Packages.Count, results.Count);
        foreach (var r in results)
        {
            Assert.False(r.Reused);
            Assert.True(File.ReadAllBytes(r.Path).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_repoDir, r.Package.Location!.Href))));
        }

        Assert.Equal(repo.Packages.Count, verifier.Seen.Count);
        Assert.All(verifier.Seen, p => Assert.Contains(".part-", p, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(dest, "*.part*"));
        Assert.Equal(repo.Packages.Count, events.Count(e => e.State == DownloadState.Completed));

        // A second destination is served from the cache, without touching the server.
        int before = _server.Log.Count;
        var again = await downloader.DownloadAsync(repo.Packages, [repo], TestSupport.TempDir());
        Assert.All(again, r => Assert.True(r.Reused));
        Assert.Equal(before, _server.Log.Count);
    }

    [Fact]
    public async Task DroppedConnection_IsResumedWithRange_AndAFailedRunLeavesNoPart()
    {
        var repo = await LoadHttp(TestSupport.TempCache());
        var package = repo.Packages.Single(p => p.Name == "Archer");
        var dest = TestSupport.TempDir();
        var downloader = new PackageDownloader(null, new DownloadOptions { UseCache = false });
        // Dropped on every attempt: the run fails and removes its part (no other run could resume it).
        _server.DropMidFile = "Archer";
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => downloader.DownloadAsync([package], [repo], dest, null));
        Assert.True(ex is IOException or HttpRequestException, ex.ToString());
        Assert.Contains("Archer", ex.Message, StringComparison.Ordinal);
        var final = Path.Combine(dest, Path.GetFileName(package.Location!.Href));
        Assert.False(File.Exists(final));
        Assert.Empty(Directory.EnumerateFiles(dest, "*.part*"));

        // Dropped once: the retry asks for the rest with Range and completes the file.
        _server.DropMidFile = null;
        int served = 0;
        _server.Intercept = (ctx, path) =>
        {
            if (!path.Contains("Archer", StringComparison.Ordinal) || Interlocked.Increment(ref served) > 1)
            {
                return false;
            }

            var body = File.ReadAllBytes(Path.Combine(_repoDir, path));
            ctx.Response.ContentLength64 = body.Length;
            ctx.Response.OutputStream.Write(body, 0, body.Length / 2);
            ctx.Response.OutputStream.Flush();
            ctx.Response.Abort();
            return true;
        };
        var result = Assert.Single(await new PackageDownloader(null, new DownloadOptions { UseCache = false }).DownloadAsync([package], [repo], dest));
        Assert.Equal(final, result.Path);
        Assert.Contains(_server.Log, l => l.Contains("Archer", StringComparison.Ordinal) && l.EndsWith($"bytes={package.Location.Size / 2}-", StringComparison.Ordinal));
        Assert.True(File.ReadAllBytes(final).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_repoDir, package.Location.Href))));
        Assert.Empty(Directory.EnumerateFiles(dest, "*.part*"));
    }

    [Fact]
    public async Task TwoRunsSharingACacheAndDestination_BothSucceedAndLeaveNoPart()
    {
        // Issue 8 finding 8: two runs used the same NAME.part; the slow server makes their transfers overlap.
        var cache = TestSupport.TempCache();
        var repo = await LoadHttp(cache);
        var dest = TestSupport.TempDir();
        _server.Intercept = (ctx, path) =>
        {
            if (!path.EndsWith(".rpm", StringComparison.Ordinal))
            {
                return false;
            }

            var body = File.ReadAllBytes(Path.Combine(_repoDir, path));
            ctx.Response.ContentLength64 = body.Length;
            ctx.Response.OutputStream.Write(body, 0, body.Length / 2);
            ctx.Response.OutputStream.Flush();
            Thread.Sleep(300);
            ctx.Response.OutputStream.Write(body, body.Length / 2, body.Length - (body.Length / 2));
            ctx.Response.Close();
            return true;
        };

        var first = new PackageDownloader(null, new DownloadOptions { Cache = cache }).DownloadAsync(repo.Packages, [repo], dest);
        var second = new PackageDownloader(null, new DownloadOptions { Cache = cache }).DownloadAsync(repo.Packages, [repo], dest);
        var both = await Task.WhenAll(first, second);

        foreach (var results in both)
        {
            Assert.Equal(repo.Packages.Count, results.Count);
            Assert.All(results, r => Assert.True(File.ReadAllBytes(r.Path).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_repoDir, r.Package.Location!.Href)))));
        }

        Assert.Empty(Directory.EnumerateFiles(dest, "*.part*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(cache.Root, "*.part*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ServerIgnoringRange_RestartsTheFile()
    {
        var repo = await LoadHttp(TestSupport.TempCache());
        var package = repo.Packages.Single(p => p.Name == "Rimmer");
        var dest = TestSupport.TempDir();
        File.WriteAllBytes(Path.Combine(dest, "." + Path.GetFileName(package.Location!.Href) + ".part"), new byte[100]);
        _server.HonourRange = false;
        var downloader = new PackageDownloader(null, new DownloadOptions { UseCache = false });
        var result = Assert.Single(await downloader.DownloadAsync([package], [repo], dest));
        Assert.True(File.ReadAllBytes(result.Path).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_repoDir, package.Location.Href))));
    }

    [Fact]
    public async Task CorruptPackage_IsRejectedAndNothingIsLeft()
    {
        var repo = await LoadHttp(TestSupport.TempCache());
        var package = repo.Packages.Single(p => p.Name == "fake_bash");
        _server.Intercept = (ctx, path) =>
        {
            if (!path.Contains("fake_bash", StringComparison.Ordinal))
            {
                return false;
            }

            var bytes = File.ReadAllBytes(Path.Combine(_repoDir, path));
            bytes[^10] ^= 0xff;
            ctx.Response.ContentLength64 = bytes.Length;
            ctx.Response.OutputStream.Write(bytes);
            ctx.Response.Close();
            return true;
        };
        var dest = TestSupport.TempDir();
        var cache = TestSupport.TempCache();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new PackageDownloader(null, new DownloadOptions { Cache = cache }).DownloadAsync([package], [repo], dest));
        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Contains("fake_bash", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dest, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(cache.Root, "packages")));
    }

    [Fact]
    public async Task RejectingVerifier_KeepsTheFileOut()
    {
        var repo = await _loader.LoadAsync(new RepositoryDefinition { Id = "local", BaseUrls = [_repoDir] }, new RepositoryLoadOptions { Cache = TestSupport.TempCache() });
        var package = repo.Packages.Single(p => p.Name == "super_kernel");
        var dest = TestSupport.TempDir();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new PackageDownloader(new RejectingVerifier(), new DownloadOptions { Cache = TestSupport.TempCache() }).DownloadAsync([package], [repo], dest));
        Assert.Contains("rejected by test verifier", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dest, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task LocalRepository_DownloadCopiesVerifiedFiles()
    {
        var repo = await _loader.LoadAsync(new RepositoryDefinition { Id = "local", BaseUrls = [_repoDir] }, new RepositoryLoadOptions { Cache = TestSupport.TempCache() });
        var dest = TestSupport.TempDir();
        var results = await new PackageDownloader(null, new DownloadOptions { Cache = TestSupport.TempCache() }).DownloadAsync(repo.Packages, [repo], dest);
        Assert.Equal(Directory.GetFiles(_repoDir, "*.rpm").Length, results.Count);
        foreach (var r in results)
        {
            Assert.Equal(TestSupport.Run("sha256sum", r.Path).Split(' ')[0], r.Package.Location!.Checksum);
        }
    }

    private sealed class RecordingVerifier : IPackageVerifier
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Seen { get; } = [];

        public void Verify(string path, PackageMetadata expected) => Seen.Add(path);
    }

    private sealed class RejectingVerifier : IPackageVerifier
    {
        public void Verify(string path, PackageMetadata expected) => throw new InvalidDataException($"{path}: rejected by test verifier");
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();

        public void Report(T value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }
}
