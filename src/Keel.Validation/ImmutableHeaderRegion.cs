using System.Buffers.Binary;
using Keel.Rpm;

namespace Keel.Validation;

/// <summary>
/// Recovers from an rpmdb header the bytes its package's header signatures and SHA256HEADER were made over: the
/// immutable region (RPMTAG_HEADERIMMUTABLE). rpm appends install-time tags (INSTALLTIME, FILESTATES, the signature
/// tags themselves) after the region; the region's trailer records how many index entries and data bytes it covers.
/// </summary>
internal static class ImmutableHeaderRegion
{
    private const int EntrySize = 16;
    private const int MagicSize = 8;

    /// <summary>magic, il, dl, index and data of the region exactly as the package carried them; null when the header has no region.</summary>
    /// <exception cref="InvalidDataException">The region trailer is inconsistent with the header.</exception>
    public static byte[]? Extract(RpmHeader header)
    {
        var image = header.Image.Span;
        int il = (int)BinaryPrimitives.ReadUInt32BigEndian(image[MagicSize..]);
        int dl = (int)BinaryPrimitives.ReadUInt32BigEndian(image[(MagicSize + 4)..]);
        int indexStart = MagicSize + 8;
        int dataStart = indexStart + (il * EntrySize);
        var first = image.Slice(indexStart, EntrySize);
        if (BinaryPrimitives.ReadInt32BigEndian(first) != RpmTags.HeaderImmutable)
        {
            return null;
        }

        int trailerOffset = BinaryPrimitives.ReadInt32BigEndian(first[8..]);
        if (trailerOffset < 0 || trailerOffset > dl - EntrySize)
        {
            throw new InvalidDataException($"{header.SourceName}: immutable region trailer at {trailerOffset} lies outside the {dl}-byte data");
        }

        var trailer = image.Slice(dataStart + trailerOffset, EntrySize);
        int negated = BinaryPrimitives.ReadInt32BigEndian(trailer[8..]);
        int ril = negated < 0 ? -negated / EntrySize : 0;
        int rdl = trailerOffset + EntrySize;
        if (BinaryPrimitives.ReadInt32BigEndian(trailer) != RpmTags.HeaderImmutable || negated % EntrySize != 0 || ril < 1 || ril > il)
        {
            throw new InvalidDataException($"{header.SourceName}: immutable region trailer is malformed (tag {BinaryPrimitives.ReadInt32BigEndian(trailer)}, offset {negated})");
        }

        var region = new byte[MagicSize + 8 + (ril * EntrySize) + rdl];
        image[..MagicSize].CopyTo(region);
        BinaryPrimitives.WriteInt32BigEndian(region.AsSpan(MagicSize), ril);
        BinaryPrimitives.WriteInt32BigEndian(region.AsSpan(MagicSize + 4), rdl);
        image.Slice(indexStart, ril * EntrySize).CopyTo(region.AsSpan(MagicSize + 8));
        image.Slice(dataStart, rdl).CopyTo(region.AsSpan(MagicSize + 8 + (ril * EntrySize)));
        return region;
    }
}
