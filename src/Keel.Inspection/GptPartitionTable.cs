using System.Buffers.Binary;
using System.Text;

namespace Keel.Inspection;

/// <summary>One partition of a disk image as its GPT records it.</summary>
/// <param name="Number">1-based index in the partition entry array, as Linux numbers it.</param>
public sealed record ImagePartition(int Number, string Name, Guid TypeGuid, long StartBytes, long SizeBytes)
{
    /// <summary>The role its type GUID gives it (Discoverable Partitions Specification), as keel build writes it.</summary>
    public PartitionKind Kind => PartitionTypes.KindOf(TypeGuid);
}

/// <summary>What a partition is for, by its GPT type GUID.</summary>
public enum PartitionKind
{
    Other,
    Esp,
    Boot,
    Root,
    Home,
    Var,
    Swap,
}

/// <summary>The GPT type GUIDs Keel writes (the same as Keel.Config's PartitionRoles), read back.</summary>
public static class PartitionTypes
{
    private static readonly Dictionary<Guid, PartitionKind> Kinds = new()
    {
        [Guid.Parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")] = PartitionKind.Esp,
        [Guid.Parse("bc13c2ff-59e6-4262-a352-b275fd6f7172")] = PartitionKind.Boot,
        [Guid.Parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b709")] = PartitionKind.Root, // x86-64
        [Guid.Parse("b921b045-1df0-41c3-af44-4c6f280d3fae")] = PartitionKind.Root, // aarch64
        [Guid.Parse("933ac7e1-2eb4-4f13-b844-0e14e2aef915")] = PartitionKind.Home,
        [Guid.Parse("4d21b016-b534-45c2-a9fb-5c16e091fd2d")] = PartitionKind.Var,
        [Guid.Parse("0657fd6d-a4ab-43c4-84e5-0933c84b4f4f")] = PartitionKind.Swap,
    };

    /// <summary>The kind of a type GUID; <see cref="PartitionKind.Other"/> for any not listed.</summary>
    public static PartitionKind KindOf(Guid typeGuid) => Kinds.GetValueOrDefault(typeGuid, PartitionKind.Other);
}

/// <summary>Reads the primary GPT of a raw disk image (512-byte sectors, as keel build writes), checking every bound against the file.</summary>
internal static class GptPartitionTable
{
    private const int SectorSize = 512;
    private const int MaxEntries = 1024;

    /// <summary>The used partition entries of <paramref name="rawPath"/>; InvalidDataException naming the image when it has no valid GPT.</summary>
    public static IReadOnlyList<ImagePartition> Read(string rawPath, long diskBytes, string imageName)
    {
        using var handle = File.OpenHandle(rawPath, FileMode.Open, FileAccess.Read);
        var header = new byte[92];
        if (RandomAccess.Read(handle, header, SectorSize) != header.Length || !header.AsSpan(0, 8).SequenceEqual("EFI PART"u8))
        {
            throw new InvalidDataException($"{imageName}: no GPT partition table (keel build writes GPT disks)");
        }

        var entriesLba = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(72));
        var count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(80));
        var entrySize = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(84));
        if (count is <= 0 or > MaxEntries || entrySize < 128 || entrySize > 4096 || entrySize % 8 != 0
            || entriesLba < 2 || entriesLba > diskBytes / SectorSize || entriesLba * SectorSize + (long)count * entrySize > diskBytes)
        {
            throw new InvalidDataException($"{imageName}: the GPT header is corrupt (entries at LBA {entriesLba}, {count} of {entrySize} bytes)");
        }

        var table = new byte[count * entrySize];
        if (RandomAccess.Read(handle, table, entriesLba * SectorSize) != table.Length)
        {
            throw new InvalidDataException($"{imageName}: the GPT entry array is truncated");
        }

        var partitions = new List<ImagePartition>();
        for (var i = 0; i < count; i++)
        {
            var entry = table.AsSpan(i * entrySize, entrySize);
            var type = new Guid(entry[..16]);
            if (type == Guid.Empty)
            {
                continue;
            }

            var first = BinaryPrimitives.ReadInt64LittleEndian(entry[32..]);
            var last = BinaryPrimitives.ReadInt64LittleEndian(entry[40..]);
            if (first < 1 || last < first || last >= diskBytes / SectorSize)
            {
                throw new InvalidDataException($"{imageName}: GPT partition {i + 1} lies outside the disk (LBA {first}..{last})");
            }

            var name = Encoding.Unicode.GetString(entry.Slice(56, 72)).TrimEnd('\0');
            partitions.Add(new ImagePartition(i + 1, name, type, first * SectorSize, (last - first + 1) * SectorSize));
        }

        return partitions;
    }
}
