using Keel.Compression;
using Keel.Errors;
using Keel.OpenPgp;
using Keel.Packaging;
using Keel.Progress;
using Keel.Repository.Integrity;
using Keel.Repository.Metadata;
using Keel.Repository.Sources;
using Keel.Rpm;

namespace Keel.Mirror;

/// <summary>
/// Mirrors one repository into a snapshot tree being assembled: repomd.xml checked against its detached signature,
/// every metadata file against repomd's checksum, every package against primary's checksum and then its own digests
/// and a signature by the repository's keys. Files the previous snapshot already has (same checksum, same keys) are
/// hard-linked from it; the rest are fetched into the staging pool and linked from there.
/// </summary>
internal sealed class RepositoryMirror
{
    private const string RepoMdPath = "repodata/repomd.xml";

    private readonly MirrorContext _context;
    private readonly string _id;
    private readonly IRepositorySource _source;
    private readonly OpenPgpKeyRing _keys;
    private readonly string _keyText;
    private readonly string _step;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _busy = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _verified = new(StringComparer.Ordinal);
    private int _fetched;
    private long _bytes;
    private int _reused;

    public RepositoryMirror(MirrorContext context, string id, IRepositorySource source, OpenPgpKeyRing keys)
    {
        _context = context;
        _id = id;
        _source = source;
        _keys = keys;
        _keyText = string.Join(",", keys.PrimaryFingerprints.Order(StringComparer.Ordinal));
        _step = MirrorSyncer.StepFor(id);
    }

    private string RepoTree => Path.Combine(_context.Tree, _id);

    /// <summary>Fetches, verifies and links the repository into the tree; throws naming the first file refused.</summary>
    public async Task<RepositorySyncReport> SyncAsync(CancellationToken cancellationToken)
    {
        var repomd = await FetchSmallAsync(RepoMdPath, RepoMdReader.MaxBytes, cancellationToken).ConfigureAwait(false)
            ?? throw new SourceUnreachableException(_source.Describe(RepoMdPath), $"{_source.Describe(RepoMdPath)}: not found; is '{_source.Base}' an rpm-md repository?");
        var signature = await FetchSmallAsync(RepoMdPath + ".asc", 1024 * 1024, cancellationToken).ConfigureAwait(false)
            ?? throw new SignatureException(_source.Describe(RepoMdPath + ".asc"), $"{_source.Describe(RepoMdPath + ".asc")}: missing; a mirror publishes only metadata signed by the repository's key");
        var check = _keys.VerifyDetached(repomd, signature);
        if (!check.IsValid)
        {
            throw new SignatureException(_source.Describe(RepoMdPath), $"{_source.Describe(RepoMdPath)}: signature check failed ({check.Status}{(check.KeyId is null ? string.Empty : ", key " + check.KeyId)}): {check.Detail}; {_context.KeptNote}");
        }

        _context.Progress?.Report(new ProgressEvent(_step, "repomd.xml signature verified", 0, 0));
        _context.NewIndex.SetKeys(_id, _keyText);
        Directory.CreateDirectory(Path.Combine(RepoTree, "repodata"));
        if (await TryLinkUnchangedAsync(repomd, signature, cancellationToken).ConfigureAwait(false) is { } unchanged)
        {
            return unchanged;
        }

        RepoMdDocument document;
        using (var ms = new MemoryStream(repomd, writable: false))
        {
            document = RepoMdReader.Read(ms, _source.Describe(RepoMdPath));
        }

        // Metadata first: primary says which packages there are and what their checksums must be.
        string? primaryPath = null;
        var candidates = document.Candidates("primary");
        var primary = candidates.Count > 0 ? candidates[0] : null;
        await Parallel.ForEachAsync(
            document.Data.DistinctBy(d => d.Location),
            new ParallelOptions { MaxDegreeOfParallelism = _context.MaxParallel, CancellationToken = cancellationToken },
            async (data, ct) =>
            {
                if (data.LocationBase is { Length: > 0 })
                {
                    throw new UnsupportedInputException(_source.Describe(RepoMdPath), $"{_source.Describe(RepoMdPath)}: {data.Type} has xml:base '{data.LocationBase}'; a mirror holds only files under the repository's own base");
                }

                var path = await GetAsync(data.Location, data.Checksum, data.Size ?? -1, null, ct).ConfigureAwait(false);
                if (ReferenceEquals(data, primary))
                {
                    primaryPath = path;
                }
            }).ConfigureAwait(false);
        if (primaryPath is null)
        {
            throw new InvalidDataException($"{_source.Describe(RepoMdPath)}: lists no primary metadata");
        }

        var packages = ReadPrimary(primaryPath);
        var verifier = new RpmPackageVerifier(_keys, requireSignature: true);
        int done = 0;
        await Parallel.ForEachAsync(
            packages,
            new ParallelOptions { MaxDegreeOfParallelism = _context.MaxParallel, CancellationToken = cancellationToken },
            async (package, ct) =>
            {
                var location = package.Location!;
                if (location.BaseUrl is { Length: > 0 })
                {
                    throw new UnsupportedInputException(location.Href, $"repository '{_id}': {package.Nevra} has xml:base '{location.BaseUrl}'; a mirror holds only files under the repository's own base");
                }

                if (location.Checksum is null || location.ChecksumType is null)
                {
                    throw new InvalidDataException($"repository '{_id}': {package.Nevra} has no checksum in primary; refusing an unverifiable package");
                }

                var checksum = Checksum.Create(location.ChecksumType, location.Checksum, $"repository '{_id}': {package.Nevra}");
                await GetAsync(location.Href, checksum, location.Size, path => VerifyPackage(verifier, path, package), ct).ConfigureAwait(false);
                _context.Progress?.Report(new ProgressEvent(_step, package.Nevra, Interlocked.Increment(ref done), packages.Count, Interlocked.Read(ref _bytes)));
            }).ConfigureAwait(false);

        // repomd.xml goes in last: the tree is unpublished anyway, but a reader of the tree then never finds it first.
        await File.WriteAllBytesAsync(Path.Combine(RepoTree, RepoMdPath + ".asc"), signature, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(RepoTree, RepoMdPath), repomd, cancellationToken).ConfigureAwait(false);
        return new RepositorySyncReport(_id, false, packages.Count, _fetched, _bytes, _reused);
    }

    // repomd.xml byte-identical to the previous snapshot's, verified with the same keys: every file it covers is already
    // there and was verified when that snapshot was made, so the whole repository is linked without fetching more.
    private async Task<RepositorySyncReport?> TryLinkUnchangedAsync(byte[] repomd, byte[] signature, CancellationToken cancellationToken)
    {
        if (_context.PreviousSnapshot is not { } previous || _context.PreviousIndex.KeysOf(_id) != _keyText)
        {
            return null;
        }

        var old = Path.Combine(previous, _id, RepoMdPath);
        if (!File.Exists(old) || !(await File.ReadAllBytesAsync(old, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(repomd))
        {
            return null;
        }

        int packages = 0;
        foreach (var file in _context.PreviousIndex.Files.Where(f => f.RepositoryId == _id))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = TargetPath(file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            NativeFiles.LinkOrCopy(Path.Combine(previous, _id, file.RelativePath), target);
            _context.NewIndex.Add(file);
            packages += file.RelativePath.EndsWith(".rpm", StringComparison.Ordinal) ? 1 : 0;
        }

        await File.WriteAllBytesAsync(Path.Combine(RepoTree, RepoMdPath + ".asc"), signature, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(RepoTree, RepoMdPath), repomd, cancellationToken).ConfigureAwait(false);
        _context.Progress?.Report(new ProgressEvent(_step, "unchanged since the previous snapshot", packages, packages));
        return new RepositorySyncReport(_id, true, packages, 0, 0, packages);
    }

    /// <summary>
    /// Puts the file at <paramref name="href"/> into the tree: linked from the previous snapshot, or from the pool
    /// (checked again), or fetched (resuming a part a killed sync left), size and checksum checked, then
    /// <paramref name="verify"/>. Returns its path in the tree.
    /// </summary>
    private async Task<string> GetAsync(string href, Checksum checksum, long size, Action<string>? verify, CancellationToken cancellationToken)
    {
        var target = TargetPath(href);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var key = checksum.ToString();

        // One file listed under two names (the same package twice) is fetched and verified once, never into one .part twice.
        var gate = _busy.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_verified.TryGetValue(key, out var done))
            {
                NativeFiles.LinkOrCopy(done, target);
                Record(href, key, new FileInfo(done).Length, fetched: false, 0);
                return target;
            }

            await GetOnceAsync(href, target, key, checksum, size, verify, cancellationToken).ConfigureAwait(false);
            _verified[key] = target;
            return target;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task GetOnceAsync(string href, string target, string key, Checksum checksum, long size, Action<string>? verify, CancellationToken cancellationToken)
    {
        if (_context.PreviousSnapshot is { } previous && _context.PreviousIndex.Find(key) is { } old
            && Path.Combine(previous, old.RepositoryId, old.RelativePath) is var oldPath
            && File.Exists(oldPath) && new FileInfo(oldPath).Length == old.Size)
        {
            // Verified when that snapshot was made; with other keys now, checked again (locally, not fetched again).
            if (_context.PreviousIndex.KeysOf(old.RepositoryId) != _keyText)
            {
                checksum.Verify(checksum.ComputeFile(oldPath), oldPath);
                verify?.Invoke(oldPath);
            }

            NativeFiles.LinkOrCopy(oldPath, target);
            Record(href, key, old.Size, fetched: false, 0);
            return;
        }

        var pooled = _context.Pool.PathFor(checksum);
        if (File.Exists(pooled))
        {
            if (checksum.ComputeFile(pooled) == checksum.Hex && (size < 0 || new FileInfo(pooled).Length == size))
            {
                VerifyOrDelete(verify, pooled);
                NativeFiles.LinkOrCopy(pooled, target);
                Record(href, key, new FileInfo(pooled).Length, fetched: false, 0);
                return;
            }

            File.Delete(pooled);
        }

        var part = _context.Pool.PartFor(checksum);
        long resumedFrom = File.Exists(part) ? new FileInfo(part).Length : 0;
        long max = size >= 0 ? size : 4L * 1024 * 1024 * 1024;
        try
        {
            await _source.FetchAsync(href, part, max, null, cancellationToken).ConfigureAwait(false);
        }
        catch (RepositoryFileNotFoundException ex)
        {
            throw new SourceUnreachableException(_source.Describe(href), $"repository '{_id}': {_source.Describe(href)} is listed in the metadata but not on the server; {_context.KeptNote}", null, ex);
        }
        catch (InvalidDataException) when (resumedFrom > 0)
        {
            // A part longer than the file (or otherwise unusable): start it again once from nothing.
            File.Delete(part);
            resumedFrom = 0;
            await _source.FetchAsync(href, part, max, null, cancellationToken).ConfigureAwait(false);
        }

        var length = new FileInfo(part).Length;
        var actual = checksum.ComputeFile(part);
        if ((size >= 0 && length != size) || actual != checksum.Hex)
        {
            File.Delete(part);
            var what = $"repository '{_id}': {_source.Describe(href)}";
            throw new KeelException(ReasonCodes.DigestMismatch, href, size >= 0 && length != size
                ? $"{what}: {length} bytes, the metadata says {size}; {_context.KeptNote}"
                : $"{what}: {checksum.Type} checksum mismatch (metadata {checksum.Hex}, file {actual}); {_context.KeptNote}");
        }

        VerifyOrDelete(verify, part);
        File.Move(part, pooled, overwrite: true);
        NativeFiles.LinkOrCopy(pooled, target);
        Record(href, key, length, fetched: true, length - resumedFrom);
        return;
    }

    private static void VerifyOrDelete(Action<string>? verify, string path)
    {
        try
        {
            verify?.Invoke(path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private void Record(string href, string checksum, long size, bool fetched, long bytes)
    {
        if (fetched)
        {
            Interlocked.Increment(ref _fetched);
            Interlocked.Add(ref _bytes, bytes);
        }
        else
        {
            Interlocked.Increment(ref _reused);
        }

        lock (_context.NewIndex)
        {
            _context.NewIndex.Add(new IndexedFile(_id, href, checksum, size));
        }
    }

    // The package layer's verdict, re-worded to name the package and what it means for the mirror.
    private void VerifyPackage(RpmPackageVerifier verifier, string path, PackageMetadata package)
    {
        try
        {
            verifier.Verify(path, package);
        }
        catch (Exception ex) when (ex is SignatureException or InvalidDataException)
        {
            var detail = ex.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? ex.Message[(path.Length + 2)..] : ex.Message;
            var href = package.Location!.Href;
            throw new KeelException(
                ex is SignatureException ? ReasonCodes.SignatureInvalid : ReasonCodes.DigestMismatch,
                _source.Describe(href),
                $"repository '{_id}': package {package.Nevra} ({href}) refused: {detail}; {_context.KeptNote}",
                "a package whose bytes changed upstream needs a new signature by the repository's key",
                ex);
        }
    }

    private List<PackageMetadata> ReadPrimary(string path)
    {
        using var file = File.OpenRead(path);
        using var xml = Decompression.OpenDetected(file, path);
        var packages = PrimaryReader.Read(xml, _source.Describe(path), _id);
        return [.. packages.Where(p => p.Location is not null).DistinctBy(p => p.Location!.Href, StringComparer.Ordinal)];
    }

    /// <summary>The tree path of a repository-relative file; hrefs that would leave the repository are refused.</summary>
    private string TargetPath(string href)
    {
        if (href.Length == 0 || href.StartsWith('/') || href.Contains("://", StringComparison.Ordinal)
            || href.Split('/').Any(part => part is "" or "." or "..") || href.Any(char.IsControl))
        {
            throw new UnsafePathException(href, $"repository '{_id}': location '{MessageText.Printable(href)}' is not a plain relative path inside the repository");
        }

        return Path.Combine(RepoTree, href);
    }

    // repomd.xml and its signature are read afresh every time (they say whether anything changed) into a scratch name.
    private async Task<byte[]?> FetchSmallAsync(string relativePath, long maxBytes, CancellationToken cancellationToken)
    {
        var scratch = _context.Pool.Scratch(_id + "-" + Path.GetFileName(relativePath));
        try
        {
            await _source.FetchAsync(relativePath, scratch, maxBytes, null, cancellationToken).ConfigureAwait(false);
            return await File.ReadAllBytesAsync(scratch, cancellationToken).ConfigureAwait(false);
        }
        catch (RepositoryFileNotFoundException)
        {
            return null;
        }
        finally
        {
            File.Delete(scratch);
        }
    }
}
