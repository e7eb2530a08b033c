namespace Keel.Compression.Tests;

public class ReadAheadStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(128 * 1024)]
    [InlineData((3 * 128 * 1024) + 17)]
    public void Delivers_every_byte_in_order(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        using var stream = new ReadAheadStream(new MemoryStream(data));
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 1000);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(size, stream.Position);
    }

    [Fact]
    public void A_source_failure_reaches_the_consumer_as_is()
    {
        using var stream = new ReadAheadStream(new FailingStream());
        var ex = Assert.Throws<InvalidDataException>(() => stream.CopyTo(Stream.Null));
        Assert.Equal("source: broken", ex.Message);
    }

    [Fact]
    public void Disposing_early_stops_the_reader_and_disposes_the_source()
    {
        var source = new TrackingStream(new MemoryStream(new byte[10 * 1024 * 1024]));
        var stream = new ReadAheadStream(source);
        Assert.Equal(10, stream.Read(new byte[10]));
        stream.Dispose();
        Assert.True(source.Disposed);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidDataException("source: broken");

        public override int Read(Span<byte> buffer) => throw new InvalidDataException("source: broken");
    }

    private sealed class TrackingStream(Stream inner) : MemoryStream
    {
        public bool Disposed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
