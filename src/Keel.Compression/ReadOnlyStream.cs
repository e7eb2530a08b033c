namespace Keel.Compression;

/// <summary>
/// Base for Keel's forward-only, read-only stream wrappers: one place for the Stream members they all refuse, and a
/// running <see cref="Position"/> (some decoders, such as SharpCompress's xz, read it to check block padding).
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    private long _position;

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public sealed override long Length => throw new NotSupportedException();

    /// <summary>Bytes handed to the reader so far.</summary>
    public sealed override long Position { get => _position; set => throw new NotSupportedException(); }

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override int Read(Span<byte> buffer)
    {
        int n = ReadCore(buffer);
        _position += n;
        return n;
    }

    public sealed override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await ReadCoreAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Reads into <paramref name="buffer"/>; 0 only at the end.</summary>
    protected abstract int ReadCore(Span<byte> buffer);

    /// <summary>Asynchronous read; wrappers over network streams override it so reads don't block a thread.</summary>
    protected virtual ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ReadCore(buffer.Span));
}
