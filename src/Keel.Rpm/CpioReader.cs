using System.Globalization;
using System.Text;
using Keel.Errors;

namespace Keel.Rpm;

/// <summary>Reads a cpio "newc" (070701/070702) archive from a forward-only stream, the format of rpm payloads.</summary>
public sealed class CpioReader
{
    private const int HeaderSize = 110;
    private const int MaxNameSize = 4096;
    private const string Trailer = "TRAILER!!!";

    private readonly Stream _stream;
    private readonly string _sourceName;
    private long _position;
    private long _pendingSkip;
    private BoundedReadStream? _current;
    private bool _done;

    public CpioReader(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _sourceName = sourceName;
    }

    /// <summary>The next entry, or null after the trailer.</summary>
    /// <exception cref="InvalidDataException">Bad magic, a malformed field or a truncated archive, naming the source and offset.</exception>
    public CpioEntry? GetNextEntry()
    {
        if (_done)
        {
            return null;
        }

        if (_current is not null)
        {
            _pendingSkip += _current.Remaining;
            _current = null;
        }

        Skip(_pendingSkip);
        _pendingSkip = 0;
        long at = _position;
        Span<byte> header = stackalloc byte[HeaderSize];
        ReadExactly(header, "entry header");
        if (header[..5].SequenceEqual("07070"u8) && header[5] == (byte)'X')
        {
            throw new NotSupportedException($"{_sourceName}: payload uses rpm's stripped cpio format (07070X, files over 4 GiB), which Keel does not read");
        }

        if (!header[..6].SequenceEqual("070701"u8) && !header[..6].SequenceEqual("070702"u8))
        {
            throw new InvalidDataException($"{_sourceName}: cpio entry at offset {at} has magic '{MessageText.Printable(Encoding.ASCII.GetString(header[..6]))}', expected 070701 (newc)");
        }

        uint ino = Field(header, 0, at), mode = Field(header, 1, at), nlink = Field(header, 4, at), mtime = Field(header, 5, at);
        uint size = Field(header, 6, at), devMajor = Field(header, 7, at), devMinor = Field(header, 8, at), nameSize = Field(header, 11, at);
        if (nameSize < 1 || nameSize > MaxNameSize)
        {
            throw new InvalidDataException($"{_sourceName}: cpio entry at offset {at} has a name size of {nameSize} (limit {MaxNameSize})");
        }

        var nameBytes = new byte[nameSize];
        ReadExactly(nameBytes, "entry name");
        if (nameBytes[^1] != 0 || Array.IndexOf(nameBytes, (byte)0) != nameBytes.Length - 1)
        {
            throw new InvalidDataException($"{_sourceName}: cpio entry name at offset {at} is not a single NUL-terminated string");
        }

        var name = Encoding.UTF8.GetString(nameBytes, 0, nameBytes.Length - 1);
        Skip(Pad4(_position));
        if (name == Trailer)
        {
            _done = true;
            return null;
        }

        var data = new BoundedReadStream(this, size);
        _current = data;
        _pendingSkip = Pad4(size);
        return new CpioEntry(name, (int)mode, size, ino, (int)devMajor, (int)devMinor, (int)nlink, mtime, () => data);
    }

    private static long Pad4(long n) => (4 - (n % 4)) % 4;

    private uint Field(ReadOnlySpan<byte> header, int index, long at) => ParseHex(header.Slice(6 + (index * 8), 8), at);

    private uint ParseHex(ReadOnlySpan<byte> field, long at)
    {
        Span<char> chars = stackalloc char[8];
        for (int i = 0; i < 8; i++)
        {
            chars[i] = (char)field[i];
        }

        return uint.TryParse(chars, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{_sourceName}: cpio entry at offset {at} has a header field that is not hexadecimal");
    }

    internal int ReadData(Span<byte> buffer)
    {
        int n = _stream.Read(buffer);
        if (n == 0 && buffer.Length > 0)
        {
            throw new InvalidDataException($"{_sourceName}: cpio archive ends inside file data at offset {_position} (truncated)");
        }

        _position += n;
        return n;
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        int got = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _position += got;
        if (got < buffer.Length)
        {
            throw new InvalidDataException($"{_sourceName}: cpio archive ends inside an {what} at offset {_position} (truncated; no TRAILER!!!)");
        }
    }

    private void Skip(long count)
    {
        Span<byte> scratch = stackalloc byte[4096];
        while (count > 0)
        {
            int n = ReadData(scratch[..(int)Math.Min(count, scratch.Length)]);
            count -= n;
        }
    }

    /// <summary>The data of the current entry: exactly its size, no more.</summary>
    private sealed class BoundedReadStream(CpioReader owner, long size) : Stream
    {
        private readonly long _length = size;

        public long Remaining { get; private set; } = size;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position { get => _length - Remaining; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (Remaining == 0 || buffer.Length == 0)
            {
                return 0;
            }

            int n = owner.ReadData(buffer[..(int)Math.Min(buffer.Length, Remaining)]);
            Remaining -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
