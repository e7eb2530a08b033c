using System.Runtime.ExceptionServices;
using Keel.Packaging;
using Keel.Repository.Cache;
using Keel.Repository.Integrity;

namespace Keel.Repository.Download;

/// <summary>
/// Fetches packages into a directory: in parallel, resuming dropped transfers within a run (DEST/.NAME.part-RANDOM),
/// reusing the checksum-keyed cache, and verifying the metadata checksum and then <see cref="IPackageVerifier"/>
/// before a file is renamed into place. A partial or bad file never sits where a valid one would.
/// </summary>
public sealed class PackageDownloader
{
    private readonly IPackageVerifier? _verifier;
    private readonly DownloadOptions _options;

    /// <summary>
    /// Creates a downloader. <paramref name="verifier"/> checks each file after its checksum matched (signatures,
    /// header digests); null checks the repository checksum only.
    /// </summary>
    public PackageDownloader(IPackageVerifier? verifier, DownloadOptions? options = null)
    {
        _verifier = verifier;
        _options = options ?? new DownloadOptions();
    }

    /// <summary>Downloads <paramref name="packages"/> (each from the repository named by its RepositoryId) into <paramref name="destination"/>.</summary>
    public async Task<IReadOnlyList<DownloadResult>> DownloadAsync(
        IReadOnlyList<PackageMetadata> packages,
        IReadOnlyList<LoadedRepository> repositories,
        string destination,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(packages);
        Directory.CreateDirectory(destination);
        var byId = repositories.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var cache = _options.Cache ?? KeelCache.Default();
        var results = new DownloadResult?[packages.Count];
        var errors = new Exception?[packages.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, packages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxParallel), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var package = packages[i];
                try
                {
                    if (package.RepositoryId is null || !byId.TryGetValue(package.RepositoryId, out var repo))
                    {
                        throw new ArgumentException($"{package.Nevra}: repository '{package.RepositoryId}' is not among those given");
                    }

                    results[i] = await DownloadOneAsync(package, repo, destination, cache, progress, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    errors[i] = ex;
                    progress?.Report(new DownloadProgress(package, DownloadState.Failed, 0, package.Location?.Size ?? 0, ex.Message));
                }
            }).ConfigureAwait(false);

        var failed = errors.Where(e => e is not null).ToArray();
        if (failed.Length == 1)
        {
            ExceptionDispatchInfo.Throw(failed[0]!);
        }

        if (failed.Length > 1)
        {
            throw new IOException($"{failed.Length} of {packages.Count} packages failed: {string.Join("; ", failed.Select(e => e!.Message))}", failed[0]);
        }

        return results!;
    }

    private async Task<DownloadResult> DownloadOneAsync(PackageMetadata package, LoadedRepository repo, string destination, KeelCache cache, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var location = package.Location ?? throw new ArgumentException($"{package.Nevra}: no location");
        if (location.Checksum is null || location.ChecksumType is null)
        {
            throw new InvalidDataException($"{package.Nevra}: repository metadata gives no checksum; refusing an unverifiable download");
        }

        var checksum = Checksum.Create(location.ChecksumType, location.Checksum, package.Nevra);
        var fileName = Path.GetFileName(location.Href);
        if (string.IsNullOrEmpty(fileName) || fileName is "." or "..")
        {
            throw new InvalidDataException($"{package.Nevra}: location '{location.Href}' has no file name");
        }

        var final = Path.Combine(destination, fileName);
        progress?.Report(new DownloadProgress(package, DownloadState.Started, 0, location.Size));

        // Already there and intact (a re-run of the same download). The checksum proves the bytes, not that this
        // run's keys trust them, so a reused file goes through the verifier like a fresh one.
        if (IsIntact(final, location.Size, checksum))
        {
            VerifyOrRemove(final, package);
            progress?.Report(new DownloadProgress(package, DownloadState.Reused, location.Size, location.Size));
            return new DownloadResult(package, final, Reused: true);
        }

        var cached = cache.PackagePath(checksum);
        if (_options.UseCache && IsIntact(cached, location.Size, checksum))
        {
            // The cache entry stays: another repository's keys may trust it.
            _verifier?.Verify(cached, package);
            CopyAtomically(cached, final);
            progress?.Report(new DownloadProgress(package, DownloadState.Reused, location.Size, location.Size));
            return new DownloadResult(package, final, Reused: true);
        }

        // A hidden name of this run's own beside the final one: two runs sharing a destination or cache must never write
        // into one file (and no shared partial directory exists for one run to remove under the other). Retries within
        // the run resume it with Range; a run that fails removes it, since no later run could know its name.
        var part = Path.Combine(destination, "." + fileName + ".part-" + Guid.NewGuid().ToString("N")[..12]);
        if (location.BaseUrl is { Length: > 0 } xmlBase)
        {
            throw new NotSupportedException($"{package.Nevra}: location has xml:base '{xmlBase}', which Keel does not follow; mirror the package under the repository's baseurl");
        }

        var source = repo.Source;
        var bytes = new Progress<long>(n => progress?.Report(new DownloadProgress(package, DownloadState.Transferring, n, location.Size)));
        long maxBytes = location.Size > 0 ? location.Size : long.MaxValue;
        try
        {
            await source.FetchAsync(location.Href, part, maxBytes, progress is null ? null : bytes, cancellationToken).ConfigureAwait(false);
            var actualSize = new FileInfo(part).Length;
            if (location.Size > 0 && actualSize != location.Size)
            {
                throw new InvalidDataException($"{source.Describe(location.Href)}: {actualSize} bytes, metadata says {location.Size}");
            }

            checksum.Verify(checksum.ComputeFile(part), source.Describe(location.Href));
            _verifier?.Verify(part, package);
        }
        catch
        {
            KeelCache.TryDelete(part);
            throw;
        }

        if (_options.UseCache)
        {
            try
            {
                // Not flushed: a cached package is checked against its checksum before every reuse.
                KeelCache.WriteAtomically(cached, output =>
                {
                    using var input = File.OpenRead(part);
                    input.CopyTo(output);
                }, durable: false);
            }
            catch (IOException)
            {
                // The cache is an optimisation; the destination is what was asked for.
            }
        }

        try
        {
            File.Move(part, final, overwrite: true);
        }
        catch
        {
            KeelCache.TryDelete(part);
            throw;
        }

        progress?.Report(new DownloadProgress(package, DownloadState.Completed, location.Size, location.Size));
        return new DownloadResult(package, final, Reused: false);
    }

    private void VerifyOrRemove(string path, PackageMetadata package)
    {
        try
        {
            _verifier?.Verify(path, package);
        }
        catch
        {
            KeelCache.TryDelete(path);
            throw;
        }
    }

    private static bool IsIntact(string path, long size, Checksum checksum)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (size > 0 && new FileInfo(path).Length != size)
        {
            return false;
        }

        return checksum.ComputeFile(path) == checksum.Hex;
    }

    // The destination is a staging area the caller verifies or installs from at once; a flush would only cost time.
    private static void CopyAtomically(string from, string to) =>
        KeelCache.WriteAtomically(to, output =>
        {
            using var input = File.OpenRead(from);
            input.CopyTo(output);
        }, durable: false);
}
