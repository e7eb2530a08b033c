using System.Buffers.Binary;
using System.Globalization;
using Keel.Install.Processes;

namespace Keel.Install.Boot;

/// <summary>The parts of a unified kernel image: systemd's EFI stub with the kernel, initramfs, command line and os-release.</summary>
public sealed record UkiParts(string Stub, string Kernel, string Initramfs, string CommandLine, string OsRelease);

/// <summary>
/// Glues a unified kernel image (UKI) together with objcopy, as ukify does: each payload becomes a PE section placed on a
/// 4 KiB boundary after the stub's last section. The PE time stamp and checksum are zeroed afterwards, so the same inputs
/// give the same bytes (UEFI firmware does not check the optional-header checksum).
/// </summary>
public static class UkiBuilder
{
    private const long SectionAlignment = 4096;

    /// <summary>Writes the UKI to <paramref name="output"/> (through a temporary file beside it).</summary>
    public static async Task BuildAsync(UkiParts parts, string output, CancellationToken cancellationToken)
    {
        var work = output + ".parts";
        Directory.CreateDirectory(work);
        var tmp = output + ".tmp";
        try
        {
            var cmdline = Path.Combine(work, "cmdline");
            var osrel = Path.Combine(work, "osrel");
            await File.WriteAllTextAsync(cmdline, parts.CommandLine, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(osrel, parts.OsRelease, cancellationToken).ConfigureAwait(false);

            long next = Align(StubEnd(parts.Stub));
            var args = new List<string>();
            foreach (var (name, file) in new[] { (".osrel", osrel), (".cmdline", cmdline), (".linux", parts.Kernel), (".initrd", parts.Initramfs) })
            {
                args.Add("--add-section");
                args.Add($"{name}={file}");
                args.Add("--change-section-vma");
                args.Add($"{name}=0x{next.ToString("x", CultureInfo.InvariantCulture)}");
                next = Align(next + new FileInfo(file).Length);
            }

            args.Add(parts.Stub);
            args.Add(tmp);
            await StepTool.RunAsync("boot.install", "objcopy", args, cancellationToken, debianPackage: "binutils").ConfigureAwait(false);
            ClearTimestampAndChecksum(tmp);
            File.Move(tmp, output, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The end (image base + virtual address + size) of the stub's highest section, as objcopy's VMAs count.</summary>
    public static long StubEnd(string stub)
    {
        var bytes = File.ReadAllBytes(stub);
        var pe = Header(bytes, stub);
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pe + 6));
        int optionalSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pe + 20));
        int optional = pe + 24;
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(optional));
        long imageBase = magic switch
        {
            0x20b => (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(optional + 24)),
            0x10b => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(optional + 28)),
            _ => throw new InvalidDataException($"{stub}: not a PE32/PE32+ image (optional header magic 0x{magic:x})"),
        };
        long end = 0;
        int table = optional + optionalSize;
        for (int i = 0; i < sections; i++)
        {
            var s = bytes.AsSpan(table + (i * 40), 40);
            long virtualSize = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
            long virtualAddress = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]);
            end = Math.Max(end, imageBase + virtualAddress + virtualSize);
        }

        return end;
    }

    private static int Header(byte[] bytes, string path)
    {
        if (bytes.Length < 0x40 || bytes[0] != 'M' || bytes[1] != 'Z')
        {
            throw new InvalidDataException($"{path}: not an EFI (PE) executable");
        }

        int pe = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(0x3c));
        if (pe < 0 || pe + 24 > bytes.Length || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pe)) != 0x00004550)
        {
            throw new InvalidDataException($"{path}: PE signature missing");
        }

        return pe;
    }

    private static void ClearTimestampAndChecksum(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var head = new byte[4096];
        int n = fs.Read(head);
        int pe = Header(head[..n], path);
        Span<byte> zero = stackalloc byte[4];
        foreach (var offset in new[] { pe + 8, pe + 24 + 64 })
        {
            fs.Position = offset;
            fs.Write(zero);
        }
    }

    private static long Align(long value) => (value + SectionAlignment - 1) / SectionAlignment * SectionAlignment;
}
