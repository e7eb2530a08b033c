using System.Text;
using Keel.Processes;

namespace Keel.DiskImages;

/// <summary>
/// Makes ext4 with `mkfs.ext4 -d` at an offset, then one `debugfs -w -f` pass that gives the root directory the source root's mode
/// and, with SOURCE_DATE_EPOCH, sets every inode's atime and ctime to its (clamped) mtime so ctimes of the source never leak in.
/// </summary>
internal static class Ext4Maker
{
    /// <summary>Debian bookworm's mke2fs.conf defaults for ext4, pinned so the host's own config never changes the image.</summary>
    private const string PinnedConfig = """
        [defaults]
        	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
        	default_mntopts = acl,user_xattr
        	enable_periodic_fsck = 0
        	blocksize = 4096
        	inode_size = 256
        	inode_ratio = 16384

        [fs_types]
        	ext4 = {
        		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
        	}
        	default = {
        	}

        """;

    public static async Task CreateAsync(TargetRegion region, FilesystemRequest request, IProgress<string>? log, CancellationToken ct)
    {
        if (region.Path.Contains('?'))
        {
            // libext2fs reads everything after '?' in a device name as I/O options.
            throw new ArgumentException($"{region.Path}: ext4 targets must not contain '?' in their path");
        }

        var mkfs = HostTools.MkfsExt4;
        var debugfs = HostTools.Debugfs;
        var work = Directory.CreateTempSubdirectory("keel-ext4-");
        try
        {
            var config = Path.Combine(work.FullName, "mke2fs.conf");
            await File.WriteAllTextAsync(config, PinnedConfig, ct).ConfigureAwait(false);
            var env = new Dictionary<string, string> { ["MKE2FS_CONFIG"] = config };
            if (request.SourceDateEpoch is { } epoch)
            {
                // libext2fs stamps superblock times, crtimes and new inodes with this instead of the clock.
                env["E2FSPROGS_FAKE_TIME"] = epoch.ToString();
            }

            var root = request.SourceDirectory is null ? null : await RootAttributesAsync(request.SourceDirectory, ct).ConfigureAwait(false);
            var hashSeed = StableIds.Derive(request.Uuid.ToString("D"), "ext4-hash-seed");
            var extended = $"offset={region.OffsetBytes},hash_seed={hashSeed:D},root_owner={root?.Uid ?? 0}:{root?.Gid ?? 0}";
            var args = new List<string> { "-F", "-q", "-L", request.Label, "-U", request.Uuid.ToString("D"), "-E", extended, "-T", "default" };
            if (request.SourceDirectory is not null)
            {
                args.AddRange(["-d", request.SourceDirectory]);
            }

            args.Add(region.Path);
            args.Add($"{request.SizeBytes / 1024}k");
            log?.Report($"mkfs.ext4 {string.Join(' ', args)}");
            await ToolRunner.RunAsync(mkfs, args, env, ct).ConfigureAwait(false);

            if (request.SourceDirectory is null || root is null)
            {
                return;
            }

            var script = Path.Combine(work.FullName, "normalise.debugfs");
            var entries = request.SourceDateEpoch is null ? [] : await SourceTree.ListAsync(request.SourceDirectory, ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(script, BuildScript(root, entries, request.SourceDateEpoch, request.PreservedMtimes), new UTF8Encoding(false), ct).ConfigureAwait(false);
            var device = region.OffsetBytes == 0 ? region.Path : $"{region.Path}?offset={region.OffsetBytes}";
            log?.Report($"debugfs -w -f {script} {device} ({entries.Count} entries)");
            var result = await ToolRunner.RunAsync(debugfs, ["-w", "-f", script, device], env, ct).ConfigureAwait(false);

            // debugfs keeps going after a failed command and exits 0, so its complaints on stderr are the only signal.
            var complaint = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(l => !l.StartsWith("debugfs ", StringComparison.Ordinal));
            if (complaint is not null)
            {
                throw new IOException($"debugfs on {device} failed: {complaint}");
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The debugfs commands that set the root's mode and, with an epoch, every inode's three times to the clamped mtime.</summary>
    internal static string BuildScript(RootAttributes root, IReadOnlyList<SourceEntry> entries, long? sourceDateEpoch, IReadOnlySet<string>? preserved = null)
    {
        var sb = new StringBuilder();
        sb.Append("sif / mode 0").Append(Convert.ToString(0x4000 | root.Mode, 8)).Append('\n');
        if (sourceDateEpoch is not { } epoch)
        {
            return sb.ToString();
        }

        AppendTimes(sb, "/", SourceTree.Clamp(root.MtimeSeconds, epoch));
        string? cwd = null;
        foreach (var e in entries.OrderBy(e => e.Parent, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal))
        {
            if (e.Parent != cwd)
            {
                sb.Append("cd ").Append(Quote("/" + e.Parent)).Append('\n');
                cwd = e.Parent;
            }

            AppendTimes(sb, e.Name, SourceTree.Clamp(e, epoch, preserved));
        }

        return sb.ToString();
    }

    private static void AppendTimes(StringBuilder sb, string name, long time)
    {
        var quoted = Quote(name);
        foreach (var field in (string[])["mtime", "atime", "ctime"])
        {
            sb.Append("sif ").Append(quoted).Append(' ').Append(field).Append(" @").Append(time).Append('\n');
        }
    }

    // debugfs's parser reads "" inside a quoted word as one quote.
    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<RootAttributes> RootAttributesAsync(string directory, CancellationToken ct)
    {
        var r = await ToolRunner.RunAsync(HostTools.Stat, ["-c", "%u %g %a %Y", "--", directory], null, ct).ConfigureAwait(false);
        var f = r.Output.Trim().Split(' ');
        return new RootAttributes(uint.Parse(f[0]), uint.Parse(f[1]), Convert.ToInt32(f[2], 8), long.Parse(f[3]));
    }
}

/// <summary>Owner, permission bits and mtime of a source tree's top directory, which mkfs.ext4 -d does not copy.</summary>
internal sealed record RootAttributes(uint Uid, uint Gid, int Mode, long MtimeSeconds);
