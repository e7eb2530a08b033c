using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>
/// Converts a finished raw disk into raw, qcow2, vhd (fixed, as Azure requires: "vpc" with subformat=fixed,force_size and a virtual
/// size that is a whole number of MiB) or vhdx with qemu-img, writing to a temporary name beside the output and renaming it.
/// </summary>
public static class ImageConverter
{
    /// <summary>The output formats, by their Keel names.</summary>
    public static readonly IReadOnlyList<string> Formats = ["raw", "qcow2", "vhd", "vhdx"];

    private const long MiB = 1 << 20;

    /// <summary>Converts <paramref name="raw"/>; for vhd a raw whose size is not whole MiB is first padded with zeros (and its backup GPT moved to the new end).</summary>
    public static Task ConvertAsync(string raw, string output, string format, CancellationToken ct = default) =>
        ConvertAsync(raw, output, format, sourceDateEpoch: null, ct);

    /// <summary>
    /// As above; with <paramref name="sourceDateEpoch"/> a vhd footer gets that time and a unique ID derived from the disk's GPT GUID
    /// instead of qemu-img's clock and random ID, so the vhd is as reproducible as the raw disk. (vhdx stays non-reproducible.)
    /// </summary>
    public static async Task ConvertAsync(string raw, string output, string format, long? sourceDateEpoch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(output);
        if (!Formats.Contains(format))
        {
            throw new ArgumentException($"{output}: unknown image format '{format}' (expected {string.Join(", ", Formats)})");
        }

        if (!File.Exists(raw))
        {
            throw new FileNotFoundException($"{raw}: no such raw disk image");
        }

        if (Path.GetFullPath(raw) == Path.GetFullPath(output))
        {
            throw new ArgumentException($"{output}: the output must not be the raw input itself");
        }

        var qemuImg = HostTools.QemuImg;
        if (format == "vhd")
        {
            await PadToWholeMiBAsync(raw, ct).ConfigureAwait(false);
        }

        string[] driver = format switch
        {
            "raw" => ["-O", "raw"],
            "qcow2" => ["-O", "qcow2"],
            "vhd" => ["-O", "vpc", "-o", "subformat=fixed,force_size=on"],
            _ => ["-O", "vhdx", "-o", "subformat=dynamic"],
        };
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, $".{Path.GetFileName(output)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await ToolRunner.RunAsync(qemuImg, ["convert", "-q", "-f", "raw", .. driver, raw, temp], null, ct).ConfigureAwait(false);
            if (format == "vhd" && sourceDateEpoch is { } epoch)
            {
                VhdFooter.MakeReproducible(temp, epoch, DiskGuid(raw));
            }

            File.Move(temp, output, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task PadToWholeMiBAsync(string raw, CancellationToken ct)
    {
        long length = new FileInfo(raw).Length;
        if (length % MiB == 0)
        {
            return;
        }

        using (var handle = File.OpenHandle(raw, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, (length + MiB - 1) / MiB * MiB);
        }

        if (HasGpt(raw))
        {
            // The backup GPT must sit in the last sectors; sgdisk -e moves it there.
            await ToolRunner.RunAsync(HostTools.Sgdisk, ["-e", raw], null, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The GPT disk GUID of <paramref name="path"/>, or null when it has no GPT header.</summary>
    private static Guid? DiskGuid(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        Span<byte> header = stackalloc byte[92];
        if (RandomAccess.Read(handle, header, TargetInfo.SectorSize) != header.Length || !header[..8].SequenceEqual("EFI PART"u8))
        {
            return null;
        }

        // GPT stores GUIDs in the mixed-endian layout Guid's little-endian constructor reads.
        return new Guid(header.Slice(56, 16));
    }

    private static bool HasGpt(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        Span<byte> signature = stackalloc byte[8];
        return RandomAccess.Read(handle, signature, TargetInfo.SectorSize) == 8 && signature.SequenceEqual("EFI PART"u8);
    }
}
