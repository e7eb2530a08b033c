namespace Keel.DiskImages;

/// <summary>One GPT partition to create. TypeGuid: e.g. ESP C12A7328-F81F-11D2-BA4B-00A0C93EC93B, root x86-64 4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709.</summary>
public sealed record GptPartition(int Number, string Name, Guid TypeGuid, Guid PartitionGuid, long StartBytes, long SizeBytes)
{
    public long EndBytes => StartBytes + SizeBytes;
}
