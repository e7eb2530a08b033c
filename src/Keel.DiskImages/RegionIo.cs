using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>Clears and fills byte ranges of a target without touching anything outside them.</summary>
internal static class RegionIo
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>How much of each end of a device region is cleared: every common signature (ext4, xfs, FAT, swap, LUKS, md, GPT backup) lives there.</summary>
    public const long SignatureBytes = 1 << 20;

    /// <summary>
    /// Prepares a region for a new filesystem: a file region becomes one hole (so its bytes depend only on what mkfs writes), a
    /// device region has its first and last MiB zeroed (zeroing a whole partition of a real disk would take minutes; mkfs discards).
    /// </summary>
    public static async Task ClearAsync(TargetInfo target, long offset, long length, CancellationToken ct)
    {
        if (!target.IsBlockDevice || length <= 2 * SignatureBytes)
        {
            await ZeroAsync(target, offset, length, ct).ConfigureAwait(false);
            return;
        }

        await ZeroAsync(target, offset, SignatureBytes, ct).ConfigureAwait(false);
        await ZeroAsync(target, offset + length - SignatureBytes, SignatureBytes, ct).ConfigureAwait(false);
    }

    /// <summary>Makes [offset, offset+length) read as zeros: a hole in a file (stays sparse), written zeros on a device.</summary>
    public static async Task ZeroAsync(TargetInfo target, long offset, long length, CancellationToken ct)
    {
        if (length <= 0)
        {
            return;
        }

        if (!target.IsBlockDevice)
        {
            await ToolRunner.RunAsync(HostTools.Fallocate, ["--punch-hole", "--keep-size", "--offset", offset.ToString(), "--length", length.ToString(), target.Path], null, ct)
                .ConfigureAwait(false);
            return;
        }

        using var handle = BlockDevice.Open(target.Path, FileAccess.Write);
        var zeros = new byte[(int)Math.Min(ChunkBytes, length)];
        for (long done = 0; done < length;)
        {
            ct.ThrowIfCancellationRequested();
            int n = (int)Math.Min(zeros.Length, length - done);
            await RandomAccess.WriteAsync(handle, zeros.AsMemory(0, n), offset + done, ct).ConfigureAwait(false);
            done += n;
        }

        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>Copies <paramref name="source"/> into the target at <paramref name="offset"/>, skipping zero chunks (the caller zeroed the region first).</summary>
    public static async Task CopyIntoAsync(string source, TargetInfo target, long offset, long regionBytes, CancellationToken ct)
    {
        using var input = File.OpenHandle(source, FileMode.Open, FileAccess.Read);
        long length = RandomAccess.GetLength(input);
        if (length > regionBytes)
        {
            throw new InvalidDataException($"{source}: {length} bytes do not fit the {regionBytes}-byte region at offset {offset} of {target.Path}");
        }

        using var output = target.IsBlockDevice ? BlockDevice.Open(target.Path, FileAccess.Write) : File.OpenHandle(target.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var buffer = new byte[ChunkBytes];
        for (long done = 0; done < length;)
        {
            ct.ThrowIfCancellationRequested();
            int n = await RandomAccess.ReadAsync(input, buffer, done, ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                await RandomAccess.WriteAsync(output, buffer.AsMemory(0, n), offset + done, ct).ConfigureAwait(false);
            }

            done += n;
        }

        if (target.IsBlockDevice)
        {
            RandomAccess.FlushToDisk(output);
        }
    }
}
