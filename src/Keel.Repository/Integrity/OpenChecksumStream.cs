using System.Security.Cryptography;
using Keel.Compression;

namespace Keel.Repository.Integrity;

/// <summary>Decompressed metadata under a size cap, with the digest that repomd's open-checksum is compared against.</summary>
internal sealed class OpenChecksumStream(Stream plain, IncrementalHash? hasher, long maxBytes, string name) : ReadOnlyStream
{
    private readonly HashingStream _inner = new(plain, name, maxBytes, leaveOpen: false, hasher);

    /// <summary>Lowercase hex of everything read so far (empty when repomd gives no open-checksum).</summary>
    public string HashHex() => hasher is null ? string.Empty : Convert.ToHexStringLower(hasher.GetCurrentHash());

    protected override int ReadCore(Span<byte> buffer) => _inner.Read(buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            hasher?.Dispose();
        }

        base.Dispose(disposing);
    }
}
