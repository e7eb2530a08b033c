using System.Buffers.Binary;
using System.Globalization;
using Keel.Errors;
using Keel.Processes;

namespace Keel.Media.Iso;

/// <summary>
/// The hybrid ISO: an ISO 9660 (Rock Ridge, Joliet) tree plus an ESP image appended as GPT partition 2 and used as the El
/// Torito UEFI boot image, so one file boots as a CD/DVD and, written byte for byte to a USB stick, as a disk. No grub and
/// no MBR boot code: UEFI only. Made and read with xorriso in user space (the host kernel mounts no iso9660).
/// </summary>
public static class IsoImage
{
    /// <summary>The GPT type of an EFI system partition.</summary>
    public static readonly Guid EspType = new("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");

    /// <summary>Writes the ISO of <paramref name="tree"/> with <paramref name="espImage"/> to <paramref name="output"/> (which must not be a directory).</summary>
    public static async Task WriteAsync(string tree, string espImage, string volumeLabel, string output, long? sourceDateEpoch, CancellationToken cancellationToken)
    {
        // xorriso derives the volume dates, the volume UUID and the GPT GUIDs from SOURCE_DATE_EPOCH, so the same tree gives the same bytes.
        var env = new Dictionary<string, string>();
        if (sourceDateEpoch is { } epoch)
        {
            env["SOURCE_DATE_EPOCH"] = epoch.ToString(CultureInfo.InvariantCulture);
        }

        string[] args =
        [
            "-as", "mkisofs", "-o", output, "-R", "-J", "-joliet-long", "-V", volumeLabel, "-iso-level", "3",
            "-append_partition", "2", EspType.ToString("D").ToUpperInvariant(), espImage, "-appended_part_as_gpt",
            // The boot catalog is hidden from the tree: every file a reader sees is in the signed manifest.
            // El Torito's load size is 16 bits of 512-byte sectors: "all" makes xorriso write 0 over 32 MiB, which UEFI reads as "to the end".
            "-e", "--interval:appended_partition_2:all::", "-no-emul-boot", "--boot-catalog-hide", "-partition_offset", "16", tree,
        ];
        try
        {
            await ToolRunner.RunAsync(new ToolOptions { Environment = env, DebianPackage = "xorriso" }, "xorriso", args, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new KeelException(ReasonCodes.ToolFailed, output, $"iso.write: {ex.Message}", null, ex);
        }
    }

    /// <summary>Extracts every file of <paramref name="iso"/> into <paramref name="directory"/> (created empty), made writable so it can be removed.</summary>
    public static async Task ExtractAsync(string iso, string directory, CancellationToken cancellationToken)
    {
        RequireIso(iso);
        Directory.CreateDirectory(directory);
        try
        {
            await ToolRunner.RunAsync(new ToolOptions { DebianPackage = "xorriso" }, "xorriso",
                ["-osirrox", "on", "-indev", iso, "-extract", "/", directory], cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new InvalidDataException($"{iso}: cannot read the ISO: {ex.Message}", ex);
        }

        MakeWritable(directory);
    }

    /// <summary>Copies the EFI system partition of <paramref name="iso"/>'s GPT to <paramref name="destination"/>; throws InvalidDataException when there is none.</summary>
    public static void ExtractEsp(string iso, string destination)
    {
        var (offset, length) = FindEsp(iso);
        using var input = new FileStream(iso, FileMode.Open, FileAccess.Read);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
        input.Position = offset;
        var buffer = new byte[1 << 20];
        long left = length;
        while (left > 0)
        {
            int n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0)
            {
                throw new InvalidDataException($"{iso}: the EFI system partition ends past the end of the file (truncated?)");
            }

            output.Write(buffer, 0, n);
            left -= n;
        }
    }

    /// <summary>Byte offset and length of the EFI system partition in <paramref name="iso"/>'s GPT (512-byte sectors, as xorriso writes it).</summary>
    public static (long Offset, long Length) FindEsp(string iso)
    {
        const int sector = 512;
        using var fs = new FileStream(iso, FileMode.Open, FileAccess.Read);
        var header = new byte[92];
        fs.Position = sector;
        if (fs.Read(header) != header.Length || !header.AsSpan(0, 8).SequenceEqual("EFI PART"u8))
        {
            throw new InvalidDataException($"{iso}: no GPT (not a hybrid medium made by keel media build)");
        }

        long entriesLba = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(72));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        if (count > 1024 || size is < 128 or > 4096 || entriesLba < 2)
        {
            throw new InvalidDataException($"{iso}: GPT header with {count} entries of {size} bytes is not plausible");
        }

        var entry = new byte[size];
        for (uint i = 0; i < count; i++)
        {
            fs.Position = (entriesLba * sector) + (i * size);
            if (fs.Read(entry) != entry.Length)
            {
                break;
            }

            if (new Guid(entry.AsSpan(0, 16)) == EspType)
            {
                long first = BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(32));
                long last = BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(40));
                if (first <= 0 || last < first || (last + 1) * sector > fs.Length)
                {
                    throw new InvalidDataException($"{iso}: the EFI system partition [{first}, {last}] lies outside the file");
                }

                return (first * sector, (last - first + 1) * sector);
            }
        }

        throw new InvalidDataException($"{iso}: the GPT has no EFI system partition");
    }

    /// <summary>Refuses anything but an existing regular file.</summary>
    public static void RequireIso(string iso)
    {
        if (Directory.Exists(iso))
        {
            throw new KeelException(ReasonCodes.InvalidInput, iso, $"{iso}: is a directory, not an ISO image");
        }

        if (!File.Exists(iso))
        {
            throw new FileNotFoundException($"{iso}: no such file", iso);
        }
    }

    // xorriso restores the ISO's read-only modes; the copy is scratch and must be removable and extendable.
    private static void MakeWritable(string directory)
    {
        foreach (var dir in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Prepend(directory))
        {
            var info = new DirectoryInfo(dir);
            if (info.LinkTarget is null)
            {
                File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.UserWrite | UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
        }
    }
}
