using System.Security.Cryptography;

namespace Keel.Compression;

/// <summary>
/// Reads through an inner stream, feeding every byte to a set of digests and refusing to read past a size cap, so
/// a decompression bomb stops with an error naming the input instead of filling memory. The caller owns the digests.
/// </summary>
public sealed class HashingStream(Stream inner, string name, long maxBytes, bool leaveOpen, params IncrementalHash?[] hashes) : ReadOnlyStream
{
    /// <summary>Reads and hashes whatever is left, so the digests cover the whole stream.</summary>
    public void Drain() => CopyTo(Null);

    protected override int ReadCore(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        if (Position + data.Length > maxBytes)
        {
            throw new InvalidDataException($"{name}: data larger than the {maxBytes}-byte limit");
        }

        foreach (var hash in hashes)
        {
            hash?.AppendData(data);
        }
    }
}
