using Keel.Compression;
using Keel.Repository.Cache;
using Keel.Repository.Integrity;
using Keel.Repository.Metadata;
using Keel.Repository.Sources;

namespace Keel.Repository;

/// <summary>
/// Gets metadata files onto local disk with their stored checksum verified (in place for a local repository,
/// into the cache for a remote one) and opens them decompressed with the open-checksum checked at the end.
/// </summary>
internal sealed class MetadataFiles
{
    /// <summary>Largest metadata file fetched from a remote repository.</summary>
    public const long MaxFileBytes = 4L * 1024 * 1024 * 1024;

    private readonly IRepositorySource _source;
    private readonly string? _cacheDirectory;

    public MetadataFiles(IRepositorySource source, string? cacheDirectory)
    {
        _source = source;
        _cacheDirectory = cacheDirectory;
    }

    /// <summary>The local path of the file <paramref name="data"/> describes, verified against its checksum.</summary>
    public async Task<string> GetVerifiedAsync(RepoMdData data, CancellationToken cancellationToken)
    {
        if (data.Location.EndsWith(".zck", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"{_source.Describe(data.Location)}: zchunk metadata is not supported and the repository lists no other {data.Type} variant");
        }

        if (_source.IsLocal)
        {
            var path = _source.LocalPath(data.Location);
            if (!File.Exists(path))
            {
                throw new RepositoryFileNotFoundException(path);
            }

            data.Checksum.Verify(await Task.Run(() => data.Checksum.ComputeFile(path), cancellationToken).ConfigureAwait(false), path);
            return path;
        }

        var cached = Path.Combine(_cacheDirectory!, "repodata", Path.GetFileName(data.Location));
        if (File.Exists(cached) && data.Checksum.ComputeFile(cached) == data.Checksum.Hex)
        {
            return cached;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        // A name of this run's own, so two runs sharing the cache never write into one file.
        var part = KeelCache.TemporaryPathFor(cached);
        try
        {
            await _source.FetchAsync(data.Location, part, MaxFileBytes, null, cancellationToken).ConfigureAwait(false);
            data.Checksum.Verify(data.Checksum.ComputeFile(part), _source.Describe(data.Location));
            File.Move(part, cached, overwrite: true);
        }
        finally
        {
            KeelCache.TryDelete(part);
        }

        return cached;
    }

    /// <summary>
    /// Opens a verified file decompressed (by its magic bytes). When <paramref name="data"/> has an open-checksum the
    /// returned stream hashes what is read; call <see cref="VerifyOpenChecksum"/> after parsing.
    /// </summary>
    public static ReadAheadStream OpenDecompressed(string path, RepoMdData data, long maxBytes)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        try
        {
            var head = new byte[Decompression.MagicLength];
            int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            file.Position = 0;
            var kind = Decompression.Detect(head.AsSpan(0, n));
            var plain = Decompression.Open(file, kind, path);
            // Decompression, the size cap and the open-checksum digest run on the read-ahead thread, beside the parser.
            return new ReadAheadStream(new OpenChecksumStream(plain, data.OpenChecksum?.CreateHasher(), maxBytes, path));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the rest of the stream and compares its digest with the open-checksum, if any.</summary>
    public static void VerifyOpenChecksum(ReadAheadStream stream, RepoMdData data, string path)
    {
        if (data.OpenChecksum is null)
        {
            return;
        }

        // Reading to the end through the read-ahead stream means its source has finished hashing.
        stream.CopyTo(Stream.Null);
        data.OpenChecksum.Verify(((OpenChecksumStream)stream.Source).HashHex(), $"{path} (decompressed, open-checksum)");
    }
}
