using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Keel.Compression;

/// <summary>Opens decompressing streams, choosing the format from the data's magic bytes rather than a file name.</summary>
public static class Decompression
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs to see.</summary>
    public const int MagicLength = 6;

    /// <summary>Identifies the compression from the first bytes; anything unrecognised is <see cref="CompressionKind.None"/>.</summary>
    public static CompressionKind Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            return CompressionKind.Gzip;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00]))
        {
            return CompressionKind.Xz;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
        {
            return CompressionKind.Zstd;
        }

        if (head.StartsWith("BZh"u8))
        {
            return CompressionKind.Bzip2;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, (byte)'Z', (byte)'C', (byte)'K', (byte)'1']))
        {
            return CompressionKind.Zchunk;
        }

        return CompressionKind.None;
    }

    /// <summary>
    /// Wraps <paramref name="compressed"/> in a decompressor for <paramref name="kind"/>. The returned stream owns
    /// <paramref name="compressed"/> unless <paramref name="leaveOpen"/> is set.
    /// </summary>
    /// <exception cref="NotSupportedException">zchunk, named with <paramref name="nameForErrors"/>.</exception>
    public static Stream Open(Stream compressed, CompressionKind kind, string nameForErrors, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        Stream inner = leaveOpen ? new NonClosingStream(compressed) : compressed;
        Stream result = kind switch
        {
            CompressionKind.None => inner,
            CompressionKind.Gzip => new GZipStream(inner, CompressionMode.Decompress),
            CompressionKind.Xz => new XZStream(inner),
            CompressionKind.Zstd => new DecompressionStream(inner),
            CompressionKind.Bzip2 => BZip2Stream.Create(inner, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true),
            CompressionKind.Zchunk => throw new NotSupportedException($"{nameForErrors}: zchunk compression is not supported; use the repository's gz, xz or zst variant"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return new DecompressionErrorStream(result, nameForErrors);
    }

    /// <summary>Reads the magic bytes and opens the matching decompressor; works on non-seekable streams such as HTTP bodies.</summary>
    public static Stream OpenDetected(Stream compressed, string nameForErrors, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        var head = new byte[MagicLength];
        int n = compressed.ReadAtLeast(head, MagicLength, throwOnEndOfStream: false);
        var kind = Detect(head.AsSpan(0, n));
        if (compressed.CanSeek)
        {
            compressed.Seek(-n, SeekOrigin.Current);
            return Open(compressed, kind, nameForErrors, leaveOpen);
        }

        return Open(new PrefixedStream(head.AsMemory(0, n), compressed, leaveOpen), kind, nameForErrors);
    }

    /// <summary>Opens a file and decompresses it according to its content.</summary>
    public static Stream OpenFile(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        try
        {
            return OpenDetected(file, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
