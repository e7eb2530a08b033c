namespace Keel.Compression;

/// <summary>
/// Rethrows whatever a decompressor throws on corrupt or truncated input as one <see cref="InvalidDataException"/>
/// that names the input, so callers need not know each library's exception types.
/// </summary>
internal sealed class DecompressionErrorStream(Stream inner, string name) : ReadOnlyStream
{
    protected override int ReadCore(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw Wrap(ex);
        }
    }

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            throw Wrap(ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // Cancellation passes through, and so does an error that already names this input.
    private bool IsDecoderFailure(Exception ex) =>
        ex is not OperationCanceledException && !(ex is InvalidDataException && ex.Message.StartsWith(name, StringComparison.Ordinal));

    private InvalidDataException Wrap(Exception ex) =>
        new($"{name}: corrupt or truncated compressed data ({ex.Message.ReplaceLineEndings(" ")})", ex);
}
