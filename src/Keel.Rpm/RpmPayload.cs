using Keel.Compression;
using Keel.Errors;

namespace Keel.Rpm;

/// <summary>Maps the header's payload tags to Keel's decompressors.</summary>
public static class RpmPayload
{
    /// <summary>The compression for a PAYLOADCOMPRESSOR value; NotSupportedException for ones Keel cannot read (lzma, lzip).</summary>
    public static CompressionKind CompressionOf(RpmHeader header, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(header);
        var name = header.GetString(RpmTags.PayloadCompressor) ?? "gzip";
        return name switch
        {
            "gzip" => CompressionKind.Gzip,
            "xz" => CompressionKind.Xz,
            "zstd" => CompressionKind.Zstd,
            "bzip2" => CompressionKind.Bzip2,
            "identity" or "none" => CompressionKind.None,
            _ => throw new NotSupportedException($"{sourceName}: payload compressor '{MessageText.Printable(name)}' is not supported (gzip, xz, zstd, bzip2 are)"),
        };
    }
}
