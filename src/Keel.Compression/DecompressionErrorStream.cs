namespace Keel.Compression;

/// <summary>
/// Rethrows whatever a decompressor throws on corrupt or truncated input as one <see cref="InvalidDataException"/>
/// that names the input, so callers need not know each library's exception types.
/// </summary>
internal sealed class DecompressionErrorStream(Stream inner, string name) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not InvalidDataException)
        {
            throw new InvalidDataException($"{name}: corrupt or truncated compressed data ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: corrupt or truncated compressed data ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !(ex is InvalidDataException && ex.Message.StartsWith(name, StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"{name}: corrupt or truncated compressed data ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
