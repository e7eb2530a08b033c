using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>
/// Makes FAT with mkfs.vfat at an offset and copies the tree in with mtools, directory by directory in byte order of names, from a
/// staged copy whose mtimes are clamped to SOURCE_DATE_EPOCH (mtools stamps new directories with that epoch itself).
/// </summary>
internal static class VfatMaker
{
    /// <summary>From this size on the ESP gets FAT32, as the UEFI specification expects; smaller regions get FAT16.</summary>
    public const long Fat32MinimumBytes = 64L << 20;

    public static async Task CreateAsync(TargetRegion region, FilesystemRequest request, IProgress<string>? log, CancellationToken ct)
    {
        var mkfs = HostTools.MkfsVfat;
        var entries = request.SourceDirectory is null ? [] : await SourceTree.ListAsync(request.SourceDirectory, ct).ConfigureAwait(false);
        var unsupported = entries.FirstOrDefault(e => e.Kind is not ('d' or 'f'));
        if (unsupported is not null)
        {
            throw new NotSupportedException($"{Path.Combine(request.SourceDirectory!, unsupported.RelativePath)}: FAT stores only files and directories (found type '{unsupported.Kind}')");
        }

        var volumeId = StableIds.VolumeId(request.Uuid).ToString("X8");
        string[] args =
        [
            // --invariant first: it would otherwise replace the volume ID given by -i with its constant.
            "--invariant", "-F", request.SizeBytes >= Fat32MinimumBytes ? "32" : "16", "--offset", (region.OffsetBytes / TargetInfo.SectorSize).ToString(),
            "-i", volumeId, "-n", request.Label, region.Path, (request.SizeBytes / 1024).ToString(),
        ];
        log?.Report($"mkfs.vfat {string.Join(' ', args)}");
        await ToolRunner.RunAsync(mkfs, args, null, ct).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            return;
        }

        var mmd = HostTools.Mmd;
        var mcopy = HostTools.Mcopy;
        var image = $"{region.Path}@@{region.OffsetBytes}";
        var env = new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1", ["MTOOLSRC"] = "/dev/null" };
        if (request.SourceDateEpoch is { } epoch)
        {
            env["SOURCE_DATE_EPOCH"] = epoch.ToString();
        }

        var stage = Directory.CreateTempSubdirectory("keel-vfat-");
        try
        {
            var dirs = entries.Where(e => e.Kind == 'd').Select(e => "::/" + e.RelativePath).ToList();
            if (dirs.Count > 0)
            {
                await ToolRunner.RunAsync(mmd, ["-i", image, .. dirs], env, ct).ConfigureAwait(false);
            }

            foreach (var group in entries.Where(e => e.Kind == 'f').GroupBy(e => e.Parent).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var staged = new List<string>();
                var stageDir = Path.Combine(stage.FullName, group.Key);
                Directory.CreateDirectory(stageDir);
                foreach (var file in group.OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    var copy = Path.Combine(stageDir, file.Name);
                    File.Copy(Path.Combine(request.SourceDirectory!, file.RelativePath), copy);
                    File.SetLastWriteTimeUtc(copy, DateTime.UnixEpoch.AddSeconds(SourceTree.Clamp(file, request.SourceDateEpoch, request.PreservedMtimes)));
                    staged.Add(copy);
                }

                log?.Report($"mcopy {staged.Count} files to ::/{group.Key}");
                await ToolRunner.RunAsync(mcopy, ["-p", "-m", "-i", image, .. staged, "::/" + group.Key + (group.Key.Length == 0 ? "" : "/")], env, ct)
                    .ConfigureAwait(false);
            }
        }
        finally
        {
            stage.Delete(recursive: true);
        }
    }
}
