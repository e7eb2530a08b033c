using System.Security.Cryptography;

namespace Keel.Repository.Integrity;

/// <summary>
/// A read-only pass-through that hashes and counts every byte read and refuses to read past a size cap,
/// so a decompression bomb stops with an error instead of filling memory.
/// </summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash? _hasher;
    private readonly long _maxBytes;
    private readonly string _name;
    private readonly bool _leaveOpen;

    public HashingReadStream(Stream inner, IncrementalHash? hasher, long maxBytes, string name, bool leaveOpen = false)
    {
        _inner = inner;
        _hasher = hasher;
        _maxBytes = maxBytes;
        _name = name;
        _leaveOpen = leaveOpen;
    }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads and hashes whatever is left, so the digest covers the whole stream.</summary>
    public void Drain()
    {
        var buffer = new byte[64 * 1024];
        while (Read(buffer) > 0)
        {
        }
    }

    /// <summary>Lowercase hex of everything read so far.</summary>
    public string HashHex() => _hasher is null ? string.Empty : Convert.ToHexStringLower(_hasher.GetCurrentHash());

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hasher?.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        BytesRead += data.Length;
        if (BytesRead > _maxBytes)
        {
            throw new InvalidDataException($"{_name}: data larger than the {_maxBytes}-byte limit");
        }

        _hasher?.AppendData(data);
    }
}
