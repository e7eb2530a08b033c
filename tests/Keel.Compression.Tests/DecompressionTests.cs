using Keel.Tests;

namespace Keel.Compression.Tests;

/// <summary>createrepo_c's compression fixtures: the same text in every format, some with misleading names.</summary>
public class DecompressionTests
{
    private static string Dir => TestPaths.Oracle("createrepo_c", "tests", "testdata", "compressed_files");

    [Theory]
    [InlineData("01_plain.txt.gz", CompressionKind.Gzip)]
    [InlineData("01_plain.txt.xz", CompressionKind.Xz)]
    [InlineData("01_plain.txt.zst", CompressionKind.Zstd)]
    [InlineData("01_plain.txt.bz2", CompressionKind.Bzip2)]
    [InlineData("01_plain.foo1", CompressionKind.Gzip)]
    [InlineData("01_plain.foo2", CompressionKind.Bzip2)]
    [InlineData("01_plain.foo3", CompressionKind.Xz)]
    [InlineData("01_plain.foo5", CompressionKind.Zstd)]
    [InlineData("01_plain.txt", CompressionKind.None)]
    public void Every_format_decodes_to_the_plain_text(string file, CompressionKind expectedKind)
    {
        var path = Path.Combine(Dir, file);
        var head = File.ReadAllBytes(path).AsSpan(0, Decompression.MagicLength);
        Assert.Equal(expectedKind, Decompression.Detect(head));

        using var stream = Decompression.OpenFile(path);
        using var reader = new StreamReader(stream);
        Assert.Equal(File.ReadAllText(Path.Combine(Dir, "01_plain.txt")), reader.ReadToEnd());
    }

    [Fact]
    public void Non_seekable_input_is_sniffed_and_replayed()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Dir, "01_plain.txt.xz"));
        using var pipe = new NonSeekable(new MemoryStream(bytes));
        using var stream = Decompression.OpenDetected(pipe, "pipe");
        using var reader = new StreamReader(stream);
        Assert.Equal(File.ReadAllText(Path.Combine(Dir, "01_plain.txt")), reader.ReadToEnd());
    }

    [Fact]
    public void Zchunk_is_refused_by_name()
    {
        var path = Path.Combine(Dir, "01_plain.txt.zck");
        var ex = Assert.Throws<NotSupportedException>(() => Decompression.OpenFile(path).Dispose());
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("zchunk", ex.Message, StringComparison.Ordinal);
    }

    // gzip and bzip2 decoders end quietly at a cut; rpm-md checksums and RPM payload digests catch those
    // (tested in their layers). xz and zstd frames know their own length and must fail here.
    [Theory]
    [InlineData("01_plain.txt.xz")]
    [InlineData("01_plain.txt.zst")]
    public void Truncated_input_fails_with_the_name(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Dir, file));
        var cut = bytes.AsSpan(0, bytes.Length / 2).ToArray();
        using var stream = Decompression.OpenDetected(new MemoryStream(cut), "cut-" + file);
        var ex = Assert.ThrowsAny<Exception>(() => new StreamReader(stream).ReadToEnd());
        Assert.IsType<InvalidDataException>(ex);
        Assert.Contains("cut-" + file, ex.Message, StringComparison.Ordinal);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
