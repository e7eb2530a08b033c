using System.Globalization;
using System.Security.Cryptography;
using Keel.DiskImages;

namespace Keel.Install.Devices;

/// <summary>
/// What identifies an install target between planning and writing: size, sector sizes, stable names and the bytes of
/// its partition tables. Read from sysfs and by reading (never writing) the device; a regular file standing in for a
/// disk (keel plan) has 512-byte sectors and no names.
/// </summary>
public sealed record DeviceFacts(string Path, long SizeBytes, int LogicalSectorSize, int PhysicalSectorSize, IReadOnlyList<string> ById, string? Serial, string PartitionTable)
{
    // The protective MBR, the primary GPT header and its 128 entries; the backup GPT at the end has the same entries.
    private const int PrimaryGptSectors = 34;
    private const int BackupGptSectors = 33;

    /// <summary>Reads <paramref name="device"/>; throws IOException naming it when it does not exist or is not a block device or file.</summary>
    public static DeviceFacts Read(string device, string sysRoot = "/sys", string devRoot = "/dev")
    {
        if (!System.IO.Path.Exists(device))
        {
            throw new IOException($"{device}: no such device");
        }

        var info = new FileInfo(device);
        if (info.Exists && (info.Attributes & FileAttributes.Device) == 0 && info.Length > 0)
        {
            return new DeviceFacts(device, info.Length, 512, 512, [], null, TableSignature(device, info.Length, 512));
        }

        var name = System.IO.Path.GetFileName(info.ResolveLinkTarget(true)?.FullName ?? device);
        var sys = System.IO.Path.Combine(sysRoot, "class", "block", name);
        if (DiskLister.Read(sys, "size") is not { } sectors)
        {
            // The device reader names what the path is instead (a character device, a directory, ...).
            BlockDeviceInfo.Read(device, sysRoot);
            throw new IOException($"{device}: not a block device (no {sys}/size)");
        }

        var size = long.Parse(sectors, CultureInfo.InvariantCulture) * 512;

        // A partition's queue is its disk's.
        var queue = Directory.Exists(System.IO.Path.Combine(sys, "queue")) ? System.IO.Path.Combine(sys, "queue") : System.IO.Path.Combine(sys, "..", "queue");
        int logical = int.TryParse(DiskLister.Read(queue, "logical_block_size"), CultureInfo.InvariantCulture, out var l) ? l : 512;
        int physical = int.TryParse(DiskLister.Read(queue, "physical_block_size"), CultureInfo.InvariantCulture, out var p) ? p : logical;
        var byId = DiskLister.ByIdLinks(devRoot).GetValueOrDefault(name) ?? [];
        var serial = DiskLister.Read(sys, "serial") ?? DiskLister.Read(sys, "device/serial");
        return new DeviceFacts(device, size, logical, physical, byId, serial, TableSignature(device, size, logical));
    }

    // SHA-256 of both GPT areas: any partitioning (or a filesystem written over the start) since planning changes it.
    private static string TableSignature(string device, long size, int sectorSize)
    {
        try
        {
            using var handle = BlockDevice.Open(device, FileAccess.Read);
            var head = new byte[Math.Min(size, (long)PrimaryGptSectors * sectorSize)];
            var tail = new byte[Math.Min(size, (long)BackupGptSectors * sectorSize)];
            RandomAccess.Read(handle, head, 0);
            RandomAccess.Read(handle, tail, size - tail.Length);
            return Convert.ToHexStringLower(SHA256.HashData([.. head, .. tail]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable: " + e.Message;
        }
    }
}
