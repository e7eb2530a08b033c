using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>
/// Makes an XFS: mkfs.xfs straight onto a device region at offset 0, otherwise in a sparse file beside the target that is then
/// copied into the region (mkfs.xfs has no offset option). A source tree is copied in by <see cref="XfsFiller"/> before that copy.
/// </summary>
internal static class XfsMaker
{
    public static async Task CreateAsync(TargetRegion region, FilesystemRequest request, IProgress<string>? log, CancellationToken ct)
    {
        var mkfs = HostTools.MkfsXfs;
        string[] options = ["-f", "-q", "-m", "uuid=" + request.Uuid.ToString("D"), "-L", request.Label, "-d", "size=" + request.SizeBytes];
        Func<string, CancellationToken, Task>? fill = request.SourceDirectory is null ? null : (image, token) => XfsFiller.FillAsync(image, request, log, token);
        await RegionMaker.MakeAsync(region, request, mkfs, options, fill, ct).ConfigureAwait(false);
    }
}

/// <summary>Swap with mkswap (4 KiB pages, fixed UUID and label), through a staging file when the region starts past offset 0.</summary>
internal static class SwapMaker
{
    public static async Task CreateAsync(TargetRegion region, FilesystemRequest request, CancellationToken ct)
    {
        var mkswap = HostTools.Mkswap;
        string[] options = ["-q", "-p", "4096", "-U", request.Uuid.ToString("D"), "-L", request.Label];
        await RegionMaker.MakeAsync(region, request, mkswap, options, null, ct).ConfigureAwait(false);
    }
}

/// <summary>
/// Runs a mkfs that has no offset option, then the optional <c>fill</c> step on what it made: on a device region at offset 0
/// directly, otherwise on a sparse staging file copied into the region afterwards.
/// </summary>
internal static class RegionMaker
{
    public static async Task MakeAsync(TargetRegion region, FilesystemRequest request, string program, IReadOnlyList<string> options,
        Func<string, CancellationToken, Task>? fill, CancellationToken ct)
    {
        // FilesystemWriter has checked that a device region is the whole device.
        if (region.Target.IsBlockDevice)
        {
            await ToolRunner.RunAsync(program, [.. options, region.Path], null, ct).ConfigureAwait(false);
            if (fill is not null)
            {
                await fill(region.Path, ct).ConfigureAwait(false);
            }

            return;
        }

        // Beside the target, so the staging file lands on a filesystem with room for the region's metadata.
        var staging = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(region.Path))!, $".{Path.GetFileName(region.Path)}.{request.Type}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var handle = File.OpenHandle(staging, FileMode.CreateNew, FileAccess.Write))
            {
                RandomAccess.SetLength(handle, request.SizeBytes);
            }

            await ToolRunner.RunAsync(program, [.. options, staging], null, ct).ConfigureAwait(false);
            if (fill is not null)
            {
                await fill(staging, ct).ConfigureAwait(false);
            }

            await RegionIo.CopyIntoAsync(staging, region.Target, region.OffsetBytes, region.SizeBytes, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(staging);
        }
    }
}
