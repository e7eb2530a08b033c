namespace Keel.Compression;

/// <summary>Passes reads through but leaves the inner stream open on dispose (decoders insist on owning their input).</summary>
public sealed class NonClosingStream(Stream inner) : ReadOnlyStream
{
    protected override int ReadCore(Span<byte> buffer) => inner.Read(buffer);

    protected override ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, cancellationToken);
}
