using System.Buffers.Binary;
using Keel.Rpm;

namespace Keel.RpmDb;

/// <summary>
/// Reads rpm's "ndb" Packages.db (lib/backend/ndb/rpmpkg.c): a 32-byte header, slot pages mapping package index to
/// a block range, and blobs of 16-byte blocks, each starting with a "BlbS" header followed by the rpm header blob.
/// </summary>
internal static class NdbRpmDb
{
    private const int BlockSize = 16;
    private const int PageSize = 4096;
    private const int SlotSize = 16;
    private const int BlobHeaderSize = 16;
    private const int MaxSlotPages = 4096;

    public static List<InstalledPackage> Read(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long length = stream.Length;
        Span<byte> head = stackalloc byte[32];
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length)
        {
            throw new InvalidDataException($"{file}: ndb rpmdb is shorter than its 32-byte header");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        uint slotPages = BinaryPrimitives.ReadUInt32LittleEndian(head[12..]);
        if (version != 0)
        {
            throw new NotSupportedException($"{file}: ndb rpmdb version {version} is not supported (0 is)");
        }

        if (slotPages == 0 || slotPages > MaxSlotPages || (long)slotPages * PageSize > length)
        {
            throw new InvalidDataException($"{file}: ndb slot page count {slotPages} does not fit the {length}-byte file");
        }

        var slots = new byte[slotPages * PageSize];
        stream.Position = 0;
        stream.ReadExactly(slots);
        var found = new List<(uint PkgIdx, uint BlockOffset, uint BlockCount)>();
        for (int at = 32; at + SlotSize <= slots.Length; at += SlotSize)
        {
            var slot = slots.AsSpan(at, SlotSize);
            if (!slot.StartsWith("Slot"u8))
            {
                throw new InvalidDataException($"{file}: ndb slot at offset {at} has no 'Slot' magic");
            }

            uint pkgIdx = BinaryPrimitives.ReadUInt32LittleEndian(slot[4..]);
            if (pkgIdx != 0)
            {
                found.Add((pkgIdx, BinaryPrimitives.ReadUInt32LittleEndian(slot[8..]), BinaryPrimitives.ReadUInt32LittleEndian(slot[12..])));
            }
        }

        var result = new List<InstalledPackage>(found.Count);
        foreach (var (pkgIdx, blockOffset, blockCount) in found.OrderBy(s => s.PkgIdx))
        {
            long offset = (long)blockOffset * BlockSize;
            long size = (long)blockCount * BlockSize;
            if (offset < slots.Length || size < BlobHeaderSize || offset + size > length)
            {
                throw new InvalidDataException($"{file}: ndb package {pkgIdx} points at blocks {blockOffset}+{blockCount}, outside the file");
            }

            var blob = new byte[size];
            stream.Position = offset;
            stream.ReadExactly(blob);
            if (!blob.AsSpan().StartsWith("BlbS"u8) || BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4)) != pkgIdx)
            {
                throw new InvalidDataException($"{file}: ndb blob of package {pkgIdx} has a bad header");
            }

            uint blobLength = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(12));
            if (blobLength > size - BlobHeaderSize)
            {
                throw new InvalidDataException($"{file}: ndb blob of package {pkgIdx} claims {blobLength} bytes in {size - BlobHeaderSize}");
            }

            var header = RpmHeader.ParseBlob(blob.AsSpan(BlobHeaderSize, (int)blobLength), $"{file} (package {pkgIdx})");
            result.Add(RpmDatabase.ToInstalled(header, pkgIdx));
        }

        return result;
    }
}
