using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Keel.Repository.Cache;

/// <summary>
/// Reads what <see cref="CacheBufferWriter"/> wrote, from a stream through one reusable buffer. Every length is
/// bounded before use; anything inconsistent surfaces as InvalidDataException or EndOfStreamException.
/// </summary>
// The hot methods are compiled optimized at once: a warm load calls them millions of times within its first
// 200 ms, before tiered compilation would have promoted them from tier 0.
internal sealed class CacheBufferReader
{
    /// <summary>Longest string accepted (the XML readers cap text at 4 Mi characters, at most 4 bytes each).</summary>
    public const int MaxStringBytes = 16 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly long _length;
    private byte[] _buffer;
    private long _bufferOffset; // the stream offset of _buffer[0]
    private int _position;
    private int _end;

    public CacheBufferReader(Stream stream, int bufferSize)
    {
        _stream = stream;
        _length = stream.Length;
        _bufferOffset = stream.Position;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The offset in the stream of the next byte to be read.</summary>
    public long Position => _bufferOffset + _position;

    /// <summary>Bytes left after the read position: an upper bound for any count, checked before allocating.</summary>
    public long Remaining => _length - Position;

    /// <summary>Moves to <paramref name="offset"/> in the (seekable) stream, dropping what is buffered.</summary>
    public void Seek(long offset)
    {
        _stream.Position = offset;
        _bufferOffset = offset;
        _position = 0;
        _end = 0;
    }

    /// <summary>A count or table index: -1 (no entry) or a non-negative int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int ReadVarInt()
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (_position == _end)
            {
                Fill(1);
            }

            byte b = _buffer[_position++];
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result == 0 ? -1 : result - 1 <= int.MaxValue ? (int)(result - 1) : throw new InvalidDataException();
            }
        }

        throw new InvalidDataException();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long ReadInt64()
    {
        Fill(8);
        long v = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_position));
        _position += 8;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? ReadString()
    {
        int n = ReadVarInt();
        if (n <= 0)
        {
            return n == 0 ? string.Empty : null;
        }

        if (n > MaxStringBytes)
        {
            throw new InvalidDataException();
        }

        Fill(n);
        var s = StrictUtf8.GetString(_buffer, _position, n);
        _position += n;
        return s;
    }

    /// <summary>Reads <paramref name="count"/> bytes without copying them (valid until the next read).</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Fill(count);
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available at the read position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Fill(int count)
    {
        if (_end - _position >= count)
        {
            return;
        }

        int remaining = _end - _position;
        if (count - remaining > _length - (_bufferOffset + _end))
        {
            throw new EndOfStreamException();
        }

        if (count > _buffer.Length)
        {
            var bigger = new byte[Math.Max(count, _buffer.Length * 2)];
            _buffer.AsSpan(_position, remaining).CopyTo(bigger);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_position, remaining).CopyTo(_buffer);
        }

        _bufferOffset += _position;
        _position = 0;
        _end = remaining;
        while (_end < count)
        {
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            _end += n;
        }
    }
}
