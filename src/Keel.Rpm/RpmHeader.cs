using System.Buffers.Binary;
using System.Text;

namespace Keel.Rpm;

/// <summary>One entry of a header index: tag, type, offset into the data store and element count.</summary>
public readonly record struct RpmHeaderEntry(int Tag, RpmTagType Type, int Offset, int Count);

/// <summary>
/// A parsed, bounds-checked rpm header (the signature header or the main header of a package, or an rpmdb blob)
/// with typed accessors by tag.
/// </summary>
public sealed class RpmHeader
{
    private readonly byte[] _image;
    private readonly int _dataStart;
    private readonly int _dataLength;
    private readonly Dictionary<int, RpmHeaderEntry> _entries;

    private RpmHeader(byte[] image, int dataStart, int dataLength, Dictionary<int, RpmHeaderEntry> entries, string sourceName)
    {
        _image = image;
        _dataStart = dataStart;
        _dataLength = dataLength;
        _entries = entries;
        SourceName = sourceName;
    }

    /// <summary>What the header was read from, for messages.</summary>
    public string SourceName { get; }

    /// <summary>The header bytes exactly as stored in the package (magic, counts, index, data): what header digests and signatures cover.</summary>
    public ReadOnlyMemory<byte> Image => _image;

    /// <summary>All index entries in index order.</summary>
    public IEnumerable<RpmHeaderEntry> Entries => _entries.Values;

    public bool Contains(int tag) => _entries.ContainsKey(tag);

    public bool TryGetEntry(int tag, out RpmHeaderEntry entry) => _entries.TryGetValue(tag, out entry);

    /// <summary>Reads a header in package-file layout (8-byte magic first) from a stream, reading exactly its bytes.</summary>
    /// <param name="signatureHeader">Applies the tighter limits rpm uses for the signature header.</param>
    public static RpmHeader Read(Stream stream, string sourceName, bool signatureHeader)
    {
        var what = signatureHeader ? "signature header" : "header";
        Span<byte> preamble = stackalloc byte[RpmHeaderLimits.PreambleSize];
        ReadFully(stream, preamble, sourceName, what);
        if (!preamble[..3].SequenceEqual(RpmHeaderLimits.Magic[..3]) || preamble[3] != 1)
        {
            throw new InvalidDataException($"{sourceName}: {what} magic is {Convert.ToHexStringLower(preamble[..4])}, expected 8eade801");
        }

        var (il, dl) = CheckCounts(preamble[8..], sourceName, what, signatureHeader);
        long total = RpmHeaderLimits.PreambleSize + (il * (long)RpmHeaderLimits.IndexEntrySize) + dl;
        if (stream.CanSeek && stream.Length - stream.Position < total - RpmHeaderLimits.PreambleSize)
        {
            throw new InvalidDataException($"{sourceName}: {what} needs {total} bytes but the file ends {stream.Length - stream.Position + RpmHeaderLimits.PreambleSize} bytes after it starts (truncated)");
        }

        var image = ReadGrowing(stream, preamble, (int)total, sourceName, what);
        return Parse(image, RpmHeaderLimits.Magic.Length, sourceName, what);
    }

    /// <summary>Parses a header blob as rpmdb stores it: index count, data length, index, data (no magic).</summary>
    public static RpmHeader ParseBlob(ReadOnlySpan<byte> blob, string sourceName)
    {
        if (blob.Length < 8)
        {
            throw new InvalidDataException($"{sourceName}: header blob of {blob.Length} bytes is too short");
        }

        var (il, dl) = CheckCounts(blob, sourceName, "header", signatureHeader: false);
        long needed = 8 + (il * (long)RpmHeaderLimits.IndexEntrySize) + dl;
        if (blob.Length < needed)
        {
            throw new InvalidDataException($"{sourceName}: header blob has {blob.Length} bytes but its counts need {needed} (truncated)");
        }

        // Keep the package-file layout so Image and digests look the same whatever the source.
        var image = new byte[RpmHeaderLimits.Magic.Length + needed];
        RpmHeaderLimits.Magic.CopyTo(image);
        blob[..(int)needed].CopyTo(image.AsSpan(RpmHeaderLimits.Magic.Length));
        return Parse(image, RpmHeaderLimits.Magic.Length, sourceName, "header");
    }

    private static (int Il, int Dl) CheckCounts(ReadOnlySpan<byte> counts, string sourceName, string what, bool signatureHeader)
    {
        uint il = BinaryPrimitives.ReadUInt32BigEndian(counts);
        uint dl = BinaryPrimitives.ReadUInt32BigEndian(counts[4..]);
        uint maxIl = (uint)(signatureHeader ? RpmHeaderLimits.MaxSignatureEntries : RpmHeaderLimits.MaxHeaderEntries);
        uint maxDl = (uint)(signatureHeader ? RpmHeaderLimits.MaxSignatureData : RpmHeaderLimits.MaxHeaderData);
        if (il < 1 || il > maxIl)
        {
            throw new InvalidDataException($"{sourceName}: {what} index count {il} is outside 1..{maxIl}");
        }

        if (dl > maxDl)
        {
            throw new InvalidDataException($"{sourceName}: {what} data length {dl} exceeds the limit of {maxDl} bytes");
        }

        return ((int)il, (int)dl);
    }

    private static RpmHeader Parse(byte[] image, int countsAt, string sourceName, string what)
    {
        int il = (int)BinaryPrimitives.ReadUInt32BigEndian(image.AsSpan(countsAt));
        int dl = (int)BinaryPrimitives.ReadUInt32BigEndian(image.AsSpan(countsAt + 4));
        int indexStart = countsAt + 8;
        int dataStart = indexStart + (il * RpmHeaderLimits.IndexEntrySize);
        var data = image.AsSpan(dataStart, dl);
        var entries = new Dictionary<int, RpmHeaderEntry>(il);
        for (int i = 0; i < il; i++)
        {
            var e = image.AsSpan(indexStart + (i * RpmHeaderLimits.IndexEntrySize), RpmHeaderLimits.IndexEntrySize);
            uint tag = BinaryPrimitives.ReadUInt32BigEndian(e);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(e[4..]);
            uint offset = BinaryPrimitives.ReadUInt32BigEndian(e[8..]);
            uint count = BinaryPrimitives.ReadUInt32BigEndian(e[12..]);
            string where = $"{sourceName}: {what} entry {i} (tag {tag})";
            if (type > (uint)RpmTagType.I18nString)
            {
                throw new InvalidDataException($"{where} has unknown type {type}");
            }

            if (offset > (uint)dl)
            {
                throw new InvalidDataException($"{where} offset {offset} is beyond the {dl}-byte data store");
            }

            if (count == 0 || count > (uint)dl + 1)
            {
                throw new InvalidDataException($"{where} count {count} is impossible for a {dl}-byte data store");
            }

            var entry = new RpmHeaderEntry((int)tag, (RpmTagType)type, (int)offset, (int)count);
            CheckExtent(entry, data, where);
            entries.TryAdd(entry.Tag, entry);
        }

        return new RpmHeader(image, dataStart, dl, entries, sourceName);
    }

    private static void CheckExtent(RpmHeaderEntry entry, ReadOnlySpan<byte> data, string where)
    {
        int size = ElementSize(entry.Type);
        if (size > 0)
        {
            if (entry.Offset % size != 0)
            {
                throw new InvalidDataException($"{where} offset {entry.Offset} is not aligned for {entry.Type}");
            }

            if (entry.Offset + ((long)entry.Count * size) > data.Length)
            {
                throw new InvalidDataException($"{where} {entry.Count} {entry.Type} values run past the end of the data store");
            }

            return;
        }

        if (entry.Type is RpmTagType.String or RpmTagType.StringArray or RpmTagType.I18nString)
        {
            if (entry.Type == RpmTagType.String && entry.Count != 1)
            {
                throw new InvalidDataException($"{where} is a STRING with count {entry.Count}");
            }

            int pos = entry.Offset;
            for (int n = 0; n < entry.Count; n++)
            {
                int nul = pos < data.Length ? data[pos..].IndexOf((byte)0) : -1;
                if (nul < 0)
                {
                    throw new InvalidDataException($"{where} string {n} is not terminated inside the data store");
                }

                pos += nul + 1;
            }
        }
    }

    private static int ElementSize(RpmTagType type) => type switch
    {
        RpmTagType.Char or RpmTagType.Int8 or RpmTagType.Binary => 1,
        RpmTagType.Int16 => 2,
        RpmTagType.Int32 => 4,
        RpmTagType.Int64 => 8,
        _ => 0,
    };

    private ReadOnlySpan<byte> Data => _image.AsSpan(_dataStart, _dataLength);

    /// <summary>The first string of a STRING, I18NSTRING or STRING_ARRAY entry, or null when absent or of another type.</summary>
    public string? GetString(int tag)
    {
        var all = GetStrings(tag);
        return all.Count > 0 ? all[0] : null;
    }

    /// <summary>All strings of a string-typed entry; empty when absent or of another type.</summary>
    public IReadOnlyList<string> GetStrings(int tag)
    {
        if (!_entries.TryGetValue(tag, out var e) || e.Type is not (RpmTagType.String or RpmTagType.StringArray or RpmTagType.I18nString))
        {
            return [];
        }

        var result = new string[e.Type == RpmTagType.I18nString ? 1 : e.Count];
        var data = Data;
        int pos = e.Offset;
        for (int n = 0; n < result.Length; n++)
        {
            int nul = data[pos..].IndexOf((byte)0);
            result[n] = Encoding.UTF8.GetString(data.Slice(pos, nul));
            pos += nul + 1;
        }

        return result;
    }

    /// <summary>All values of an integer entry (INT8/16/32/64, CHAR) widened to long; INT32 and INT16 are unsigned as in rpm.</summary>
    public IReadOnlyList<long> GetNumbers(int tag)
    {
        if (!_entries.TryGetValue(tag, out var e))
        {
            return [];
        }

        var data = Data[e.Offset..];
        var result = new long[e.Type is RpmTagType.Char or RpmTagType.Int8 or RpmTagType.Int16 or RpmTagType.Int32 or RpmTagType.Int64 ? e.Count : 0];
        for (int n = 0; n < result.Length; n++)
        {
            result[n] = e.Type switch
            {
                RpmTagType.Int16 => BinaryPrimitives.ReadUInt16BigEndian(data[(n * 2)..]),
                RpmTagType.Int32 => BinaryPrimitives.ReadUInt32BigEndian(data[(n * 4)..]),
                RpmTagType.Int64 => BinaryPrimitives.ReadInt64BigEndian(data[(n * 8)..]),
                _ => data[n],
            };
        }

        return result;
    }

    /// <summary>The first value of an integer entry, or null when absent.</summary>
    public long? GetNumber(int tag)
    {
        var all = GetNumbers(tag);
        return all.Count > 0 ? all[0] : null;
    }

    /// <summary>The bytes of a BIN, CHAR or INT8 entry, or null when absent or of another type.</summary>
    public byte[]? GetBytes(int tag) =>
        _entries.TryGetValue(tag, out var e) && e.Type is RpmTagType.Binary or RpmTagType.Char or RpmTagType.Int8
            ? Data.Slice(e.Offset, e.Count).ToArray()
            : null;

    private static void ReadFully(Stream stream, Span<byte> buffer, string sourceName, string what)
    {
        int got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length)
        {
            throw new InvalidDataException($"{sourceName}: file ends inside the {what} (truncated)");
        }
    }

    /// <summary>Reads the rest of a header without trusting its length: the buffer grows only as bytes actually arrive.</summary>
    private static byte[] ReadGrowing(Stream stream, ReadOnlySpan<byte> preamble, int total, string sourceName, string what)
    {
        const int Chunk = 1 << 20;
        var buffer = new byte[Math.Min(total, Chunk)];
        preamble.CopyTo(buffer);
        int filled = preamble.Length;
        while (filled < total)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(total, (long)buffer.Length * 2));
            }

            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
            {
                throw new InvalidDataException($"{sourceName}: file ends inside the {what} after {filled} of {total} bytes (truncated)");
            }

            filled += n;
        }

        return buffer;
    }
}
