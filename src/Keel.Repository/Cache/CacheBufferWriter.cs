using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Keel.Repository.Cache;

/// <summary>
/// Serializes the parsed cache: variable-length integers and length-prefixed UTF-8, without the per-call stream
/// overhead of BinaryWriter (a big repository writes millions of indices). With a stream it writes through a
/// fixed buffer; without one it grows an array in memory.
/// </summary>
// Hot methods are compiled optimized at once: the cache is written once per process, before tiering would kick in.
internal sealed class CacheBufferWriter
{
    private readonly Stream? _stream;
    private byte[] _buffer;
    private int _length;
    private long _flushed;

    public CacheBufferWriter(int capacity, Stream? stream = null)
    {
        _buffer = new byte[Math.Max(capacity, 1024)];
        _stream = stream;
    }

    /// <summary>Bytes written so far, flushed or not.</summary>
    public long Position => _flushed + _length;

    /// <summary>Writes a count or a table index; -1 (no entry) is the only negative value allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteVarInt(int value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, -1);
        var span = Reserve(5);
        uint v = (uint)(value + 1);
        int i = 0;
        while (v >= 0x80)
        {
            span[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[i++] = (byte)v;
        _length += i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
        _length += 8;
    }

    /// <summary>Writes a string as its UTF-8 byte count (a var-int, -1 for null) and the bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarInt(-1);
            return;
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 256)
        {
            // Short strings (nearly all of them): encode after a one- or two-byte gap, then write the prefix. The
            // reservation covers the prefix too (max + 2 >= 5), so writing it cannot flush and move the text.
            var span = Reserve(max + 2);
            int n = Encoding.UTF8.GetBytes(value, span[2..]);
            WriteVarInt(n);
            if (n >= 0x7F)
            {
                // The prefix took both gap bytes: the text already sits right after it.
                _length += n;
                return;
            }

            // The prefix took one byte: close the one-byte gap.
            _buffer.AsSpan(_length + 1, n).CopyTo(_buffer.AsSpan(_length, n));
            _length += n;
            return;
        }

        int count = Encoding.UTF8.GetByteCount(value);
        WriteVarInt(count);
        // Reserve first: it may flush and so move _length.
        var target = Reserve(count);
        _length += Encoding.UTF8.GetBytes(value, target);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    public void CopyTo(Stream stream) => stream.Write(_buffer, 0, _length);

    /// <summary>Writes what is buffered to the stream given at construction.</summary>
    public void Flush()
    {
        _stream?.Write(_buffer, 0, _length);
        _flushed += _length;
        _length = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count && _stream is not null)
        {
            Flush();
        }

        if (_buffer.Length - _length < count)
        {
            long size = Math.Max((long)_buffer.Length * 2, (long)_length + count);
            if (size > Array.MaxLength)
            {
                throw new InvalidOperationException("parsed metadata cache larger than an array can hold");
            }

            Array.Resize(ref _buffer, (int)size);
        }

        return _buffer.AsSpan(_length);
    }
}
