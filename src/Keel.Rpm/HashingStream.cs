using System.Security.Cryptography;

namespace Keel.Rpm;

/// <summary>Reads through an inner stream, feeding every byte read to a set of hashes.</summary>
internal sealed class HashingStream(Stream inner, params IncrementalHash?[] hashes) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        foreach (var h in hashes)
        {
            h?.AppendData(buffer[..n]);
        }

        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A fixed prefix followed by a stream: the "header + payload" input of whole-package signatures.</summary>
internal sealed class PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private int _prefixPos;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPos < prefix.Length)
        {
            int n = Math.Min(buffer.Length, prefix.Length - _prefixPos);
            prefix.Span.Slice(_prefixPos, n).CopyTo(buffer);
            _prefixPos += n;
            return n;
        }

        return rest.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
