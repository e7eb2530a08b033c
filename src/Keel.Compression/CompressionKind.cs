namespace Keel.Compression;

/// <summary>The stream compressions found in rpm-md metadata and RPM payloads.</summary>
public enum CompressionKind
{
    None,
    Gzip,
    Xz,
    Zstd,
    Bzip2,

    /// <summary>zchunk (.zck): recognised so it can be refused by name; repositories always carry a gz/xz/zst twin.</summary>
    Zchunk,
}
