namespace Keel.DiskImages;

/// <summary>
/// Makes an empty XFS: mkfs.xfs straight onto a device region at offset 0, otherwise in a sparse file beside the target that is
/// then copied into the region (mkfs.xfs has no offset option). xfsprogs 6.1 can only populate from a protofile, which loses
/// mtimes, xattrs and hard links, so a source with content is refused.
/// </summary>
internal static class XfsMaker
{
    public static async Task CreateAsync(TargetRegion region, FilesystemRequest request, CancellationToken ct)
    {
        if (request.SourceDirectory is not null && Directory.EnumerateFileSystemEntries(request.SourceDirectory).Any())
        {
            throw new NotSupportedException($"{request.SourceDirectory}: populating xfs from a directory is not supported (xfsprogs 6.1 has no -d); use ext4 or an empty xfs");
        }

        var mkfs = HostTools.MkfsXfs;
        string[] options = ["-f", "-q", "-m", "uuid=" + request.Uuid.ToString("D"), "-L", request.Label, "-d", "size=" + request.SizeBytes];
        await RegionMaker.MakeAsync(region, request, mkfs, options, ct).ConfigureAwait(false);
    }
}

/// <summary>Swap with mkswap (4 KiB pages, fixed UUID and label), through a staging file when the region starts past offset 0.</summary>
internal static class SwapMaker
{
    public static async Task CreateAsync(TargetRegion region, FilesystemRequest request, CancellationToken ct)
    {
        var mkswap = HostTools.Mkswap;
        string[] options = ["-q", "-p", "4096", "-U", request.Uuid.ToString("D"), "-L", request.Label];
        await RegionMaker.MakeAsync(region, request, mkswap, options, ct).ConfigureAwait(false);
    }
}

/// <summary>Runs a mkfs that has no offset option: on a device region at offset 0 directly, otherwise on a sparse staging file copied into the region.</summary>
internal static class RegionMaker
{
    public static async Task MakeAsync(TargetRegion region, FilesystemRequest request, string program, IReadOnlyList<string> options, CancellationToken ct)
    {
        // FilesystemWriter has checked that a device region is the whole device.
        if (region.Target.IsBlockDevice)
        {
            await ToolRunner.RunAsync(program, [.. options, region.Path], null, ct).ConfigureAwait(false);
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
            await RegionIo.CopyIntoAsync(staging, region.Target, region.OffsetBytes, region.SizeBytes, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(staging);
        }
    }
}
