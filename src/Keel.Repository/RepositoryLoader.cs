using Keel.Errors;
using Keel.OpenPgp;
using Keel.Packaging;
using Keel.Repository.Cache;
using Keel.Repository.Definitions;
using Keel.Repository.Metadata;
using Keel.Repository.Sources;

namespace Keel.Repository;

/// <summary>
/// Loads repositories: fetches repomd.xml (trying each base URL in turn), checks its signature when repo_gpgcheck
/// is on, verifies every metadata file it reads against repomd's checksums, and parses (or reuses the parsed cache).
/// </summary>
public sealed class RepositoryLoader : IDisposable
{
    private const string RepoMdPath = "repodata/repomd.xml";
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a loader; without <paramref name="http"/> it makes (and disposes) its own client.</summary>
    public RepositoryLoader(HttpClient? http = null)
    {
        _ownsHttp = http is null;
        _http = http ?? CreateHttpClient(new HttpOptions());
    }

    /// <summary>An HttpClient suited to repositories: no transparent decompression (checksums cover the bytes as stored).</summary>
    public static HttpClient CreateHttpClient(HttpOptions options) => new(new SocketsHttpHandler
    {
        ConnectTimeout = options.RequestTimeout,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Makes the source for one base URL or directory.</summary>
    public IRepositorySource CreateSource(string baseUrl, HttpOptions options)
    {
        if (LocalDirectorySource.TryCreate(baseUrl, out var local))
        {
            return local!;
        }

        if (baseUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || baseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return new HttpRepositorySource(baseUrl, _http, options);
        }

        throw new NotSupportedException($"{baseUrl}: unsupported repository URL scheme (use a directory, file://, http:// or https://)");
    }

    /// <summary>Loads one repository.</summary>
    public async Task<LoadedRepository> LoadAsync(RepositoryDefinition definition, RepositoryLoadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        if (definition.BaseUrls.Count == 0)
        {
            throw new ArgumentException($"repository '{definition.Id}' has no baseurl", nameof(definition));
        }

        var cache = options.Cache ?? KeelCache.Default();
        var failures = new List<Exception>();
        foreach (var baseUrl in definition.BaseUrls)
        {
            var source = CreateSource(baseUrl, options.Http);
            RepoMdDocument repoMd;
            string? cacheDir = source.IsLocal ? null : cache.RepositoryDirectory(definition.Id, baseUrl);
            try
            {
                repoMd = await ReadRepoMdAsync(definition, source, cacheDir, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (definition.BaseUrls.Count > 1 && ex is IOException or HttpRequestException or TimeoutException)
            {
                // A mirror that cannot serve repomd.xml is skipped; verification failures are not.
                failures.Add(ex);
                continue;
            }

            try
            {
                MetadataFreshness.Check(definition, repoMd, source.Describe(RepoMdPath), cache, options.Clock.GetUtcNow());
            }
            catch (KeelException ex) when (ex.Reason == ReasonCodes.MetadataStale && definition.BaseUrls.Count > 1)
            {
                // Another mirror may be up to date; a stale one is passed over like an unreachable one.
                failures.Add(ex);
                continue;
            }

            var loaded = await LoadFromAsync(definition, source, cacheDir, repoMd, cache, options, cancellationToken).ConfigureAwait(false);
            MetadataFreshness.Record(definition, repoMd, cache);
            return loaded;
        }

        if (failures.OfType<KeelException>().FirstOrDefault() is { } stale && failures.All(f => f is KeelException))
        {
            throw stale;
        }

        throw new IOException($"repository '{definition.Id}': no baseurl could be read: {string.Join("; ", failures.Select(f => f.Message))}", failures[0]);
    }

    /// <summary>Full file lists by pkgid (package checksum) for a loaded repository, read (or taken from the cache) on demand.</summary>
    public async Task<IReadOnlyDictionary<string, string[]>> LoadFilelistsAsync(LoadedRepository repository, RepositoryLoadOptions options, CancellationToken cancellationToken = default)
    {
        var cache = options.Cache ?? KeelCache.Default();
        string? cacheDir = repository.Source.IsLocal ? null : cache.RepositoryDirectory(repository.Id, repository.Source.Base);
        var files = new MetadataFiles(repository.Source, cacheDir);
        return await ReadFilelistsAsync(repository.RepoMd, files, cache, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads the repository's configured keys into one keyring (null when none are configured), under the rules of
    /// <see cref="RepositoryKeys"/>: no plain-http key without a pinned fingerprint, every key matching the pins.
    /// </summary>
    public Task<OpenPgpKeyRing?> LoadKeysAsync(RepositoryDefinition definition, CancellationToken cancellationToken = default) =>
        RepositoryKeys.LoadAsync(definition, _http, cancellationToken);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<RepoMdDocument> ReadRepoMdAsync(RepositoryDefinition definition, IRepositorySource source, string? cacheDir, CancellationToken cancellationToken)
    {
        var repomdBytes = await ReadSmallAsync(source, RepoMdPath, cacheDir, RepoMdReader.MaxBytes, required: true, cancellationToken).ConfigureAwait(false);
        if (definition.RepoGpgCheck)
        {
            var signature = await ReadSmallAsync(source, RepoMdPath + ".asc", cacheDir, 1024 * 1024, required: false, cancellationToken).ConfigureAwait(false);
            await RepoMdSignature.VerifyAsync(definition, repomdBytes!, signature, source.Describe(RepoMdPath), _http, cancellationToken).ConfigureAwait(false);
        }

        using var ms = new MemoryStream(repomdBytes!, writable: false);
        return RepoMdReader.Read(ms, source.Describe(RepoMdPath)) with { Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(repomdBytes!)) };
    }

    /// <summary>Reads a small file (repomd.xml, its signature) into memory; remote copies go through a .part in the cache.</summary>
    private static async Task<byte[]?> ReadSmallAsync(IRepositorySource source, string relativePath, string? cacheDir, long maxBytes, bool required, CancellationToken cancellationToken)
    {
        if (source.IsLocal)
        {
            var path = source.LocalPath(relativePath);
            if (!File.Exists(path))
            {
                return required ? throw new RepositoryFileNotFoundException(path) : null;
            }

            if (new FileInfo(path).Length > maxBytes)
            {
                throw new InvalidDataException($"{path}: larger than {maxBytes} bytes");
            }

            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(cacheDir!);
        var final = Path.Combine(cacheDir!, Path.GetFileName(relativePath));
        var part = KeelCache.TemporaryPathFor(final);
        try
        {
            await source.FetchAsync(relativePath, part, maxBytes, null, cancellationToken).ConfigureAwait(false);
            var bytes = await File.ReadAllBytesAsync(part, cancellationToken).ConfigureAwait(false);
            File.Move(part, final, overwrite: true);
            return bytes;
        }
        catch (RepositoryFileNotFoundException) when (!required)
        {
            KeelCache.TryDelete(final);
            return null;
        }
        finally
        {
            KeelCache.TryDelete(part);
        }
    }

    private static async Task<LoadedRepository> LoadFromAsync(RepositoryDefinition definition, IRepositorySource source, string? cacheDir, RepoMdDocument repoMd, KeelCache cache, RepositoryLoadOptions options, CancellationToken cancellationToken)
    {
        var files = new MetadataFiles(source, cacheDir);
        var packages = await ReadPrimaryAsync(definition, repoMd, files, source, cache, options, cancellationToken).ConfigureAwait(false);
        bool full = false;
        if (options.IncludeFilelists)
        {
            var lists = await ReadFilelistsAsync(repoMd, files, cache, options, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < packages.Count; i++)
            {
                var p = packages[i];
                if (p.Location?.Checksum is { } pkgid && lists.TryGetValue(pkgid, out var list))
                {
                    packages[i] = p with { Files = list };
                }
            }

            full = true;
        }

        packages = Filter(packages, definition, options);
        var comps = CompsDocument.Empty;
        if (options.IncludeComps)
        {
            comps = await ReadOptionalAsync(repoMd, "group", files, CompsReader.MaxCharacters * 4, CompsReader.Read, cancellationToken).ConfigureAwait(false)
                ?? CompsDocument.Empty;
        }

        IReadOnlyList<Advisory> advisories = [];
        if (options.IncludeUpdateInfo)
        {
            advisories = await ReadOptionalAsync(repoMd, "updateinfo", files, UpdateInfoReader.MaxCharacters * 4, UpdateInfoReader.Read, cancellationToken).ConfigureAwait(false)
                ?? [];
        }

        return new LoadedRepository(definition, source, repoMd, packages, comps, advisories, full);
    }

    private static async Task<List<PackageMetadata>> ReadPrimaryAsync(RepositoryDefinition definition, RepoMdDocument repoMd, MetadataFiles files, IRepositorySource source, KeelCache cache, RepositoryLoadOptions options, CancellationToken cancellationToken)
    {
        var candidates = repoMd.Candidates("primary");
        if (candidates.Count == 0)
        {
            throw repoMd.Find("primary_zck") is not null
                ? new NotSupportedException($"{source.Describe(RepoMdPath)}: only zchunk primary metadata is listed, which Keel does not read")
                : new InvalidDataException($"{source.Describe(RepoMdPath)}: lists no primary metadata");
        }

        var data = candidates[0];
        var parsedPath = cache.ParsedPath("primary", data.Checksum);
        if (options.UseParsedCache && ParsedMetadataCache.TryReadPrimary(parsedPath, data.Checksum, definition.Id) is { } cached)
        {
            return cached;
        }

        var path = await files.GetVerifiedAsync(data, cancellationToken).ConfigureAwait(false);
        var packages = await Task.Run(
            () =>
            {
                using var s = MetadataFiles.OpenDecompressed(path, data, PrimaryReader.MaxCharacters * 2);
                var list = PrimaryReader.Read(s, path, definition.Id);
                MetadataFiles.VerifyOpenChecksum(s, data, path);
                return list;
            },
            cancellationToken).ConfigureAwait(false);
        if (options.UseParsedCache)
        {
            TryWriteCache(() => ParsedMetadataCache.WritePrimary(parsedPath, data.Checksum, packages));
        }

        return packages;
    }

    private static async Task<IReadOnlyDictionary<string, string[]>> ReadFilelistsAsync(RepoMdDocument repoMd, MetadataFiles files, KeelCache cache, RepositoryLoadOptions options, CancellationToken cancellationToken)
    {
        var candidates = repoMd.Candidates("filelists");
        if (candidates.Count == 0)
        {
            throw new InvalidDataException($"repomd.xml (revision {repoMd.Revision}) lists no usable filelists metadata");
        }

        var data = candidates[0];
        var parsedPath = cache.ParsedPath("filelists", data.Checksum);
        if (options.UseParsedCache && ParsedMetadataCache.TryReadFilelists(parsedPath, data.Checksum) is { } cached)
        {
            return cached;
        }

        var path = await files.GetVerifiedAsync(data, cancellationToken).ConfigureAwait(false);
        var result = await Task.Run(
            () =>
            {
                var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
                using var s = MetadataFiles.OpenDecompressed(path, data, FilelistsReader.MaxCharacters * 2);
                FilelistsReader.Read(s, path, (pkgid, list) => map[pkgid] = list);
                MetadataFiles.VerifyOpenChecksum(s, data, path);
                return map;
            },
            cancellationToken).ConfigureAwait(false);
        if (options.UseParsedCache)
        {
            TryWriteCache(() => ParsedMetadataCache.WriteFilelists(parsedPath, data.Checksum, result));
        }

        return result;
    }

    /// <summary>Reads the best available variant of an optional metadata type, falling back when a listed file is absent.</summary>
    private static async Task<T?> ReadOptionalAsync<T>(RepoMdDocument repoMd, string type, MetadataFiles files, long maxBytes, Func<Stream, string, T> parse, CancellationToken cancellationToken)
        where T : class
    {
        var candidates = repoMd.Candidates(type);
        RepositoryFileNotFoundException? missing = null;
        foreach (var data in candidates)
        {
            string path;
            try
            {
                path = await files.GetVerifiedAsync(data, cancellationToken).ConfigureAwait(false);
            }
            catch (RepositoryFileNotFoundException ex)
            {
                missing ??= ex;
                continue;
            }

            return await Task.Run(
                () =>
                {
                    using var s = MetadataFiles.OpenDecompressed(path, data, maxBytes);
                    var parsed = parse(s, path);
                    MetadataFiles.VerifyOpenChecksum(s, data, path);
                    return parsed;
                },
                cancellationToken).ConfigureAwait(false);
        }

        return missing is null ? null : throw missing;
    }

    private static List<PackageMetadata> Filter(List<PackageMetadata> packages, RepositoryDefinition definition, RepositoryLoadOptions options)
    {
        if (definition.Excludes.Count == 0 && definition.Includes.Count == 0 && options.Arches is null)
        {
            return packages;
        }

        var result = new List<PackageMetadata>(packages.Count);
        foreach (var p in packages)
        {
            if (options.Arches is not null && !options.Arches.Contains(p.Arch))
            {
                continue;
            }

            if (definition.Excludes.Count > 0 && PackageFilter.MatchesAny(definition.Excludes, p))
            {
                continue;
            }

            if (definition.Includes.Count > 0 && !PackageFilter.MatchesAny(definition.Includes, p))
            {
                continue;
            }

            result.Add(p);
        }

        return result;
    }

    private static void TryWriteCache(Action write)
    {
        try
        {
            write();
        }
        catch (IOException)
        {
            // A cache that cannot be written only costs the next load a re-parse.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
