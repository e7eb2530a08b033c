using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>
/// Copies a source tree into a freshly made XFS by mounting it: xfsprogs 6.1 can only populate from a protofile, which loses
/// mtimes, xattrs and hard links. The mount lives in a private mount namespace (so it is never visible to the host and dies with
/// the process) on an auto-clearing loop device (so the unmount, or the namespace's end, releases it).
/// </summary>
internal static class XfsFiller
{
    /// <summary>
    /// Run by <c>sh -c</c> inside <c>unshare --mount --propagation private --fork</c>; the paths and the epoch arrive as $1..$4 (and
    /// $5: a file of "MTIME PATH" lines, packaged files whose later-than-epoch mtime is put back after the clamp) and
    /// are never spliced into the text. The unmount is attempted whatever the copy did; the namespace's end is the backstop.
    /// </summary>
    private const string Script = """
        image=$1 mnt=$2 src=$3 epoch=$4 keep=$5
        mount -t xfs -o loop,nouuid,nosuid,nodev,noexec -- "$image" "$mnt" || exit
        rc=0
        cp -a --preserve=all -- "$src"/. "$mnt"/ || rc=$?
        if [ "$rc" = 0 ] && [ -n "$epoch" ]; then
            find "$mnt" -newermt "@$epoch" -exec touch -h -d "@$epoch" -- {} + || rc=$?
        fi
        if [ "$rc" = 0 ] && [ -n "$keep" ]; then
            while IFS= read -r line; do
                touch -h -d "@${line%% *}" -- "$mnt/${line#* }" || rc=$?
            done < "$keep"
        fi
        umount -- "$mnt" || rc=$?
        exit "$rc"
        """;

    private static readonly (string Program, string Package)[] Tools =
        [("sh", "dash"), ("mount", "mount"), ("umount", "mount"), ("cp", "coreutils"), ("find", "findutils"), ("touch", "coreutils")];

    /// <summary>Copies <c>request.SourceDirectory</c> into the XFS in <paramref name="image"/> (a staging file or a partition device).</summary>
    public static async Task FillAsync(string image, FilesystemRequest request, IProgress<string>? log, CancellationToken ct)
    {
        var source = request.SourceDirectory ?? throw new ArgumentException("an xfs fill needs a source directory", nameof(request));
        var unshare = HostTools.Unshare;
        var losetup = HostTools.Losetup;
        foreach (var (program, package) in Tools)
        {
            HostTools.Require(program, package);
        }

        // The host's mount table never sees this directory used: the mount exists only inside the namespace.
        var mountPoint = Directory.CreateTempSubdirectory("keel-xfs-");
        try
        {
            log?.Report($"copying {source} into xfs '{request.Label}' through a loop mount in a private mount namespace");
            var keep = "";
            if (request.SourceDateEpoch is { } epoch && request.PreservedMtimes is { Count: > 0 } preserved)
            {
                var later = (await SourceTree.ListAsync(source, ct).ConfigureAwait(false)).Where(e => e.MtimeSeconds > epoch && preserved.Contains(e.RelativePath));
                keep = Path.Combine(mountPoint.Parent!.FullName, mountPoint.Name + ".keep");
                await File.WriteAllLinesAsync(keep, later.Select(e => $"{e.MtimeSeconds} {e.RelativePath}"), ct).ConfigureAwait(false);
            }

            var env = new Dictionary<string, string> { ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin" };
            string[] args =
            [
                "--mount", "--propagation", "private", "--fork", "/bin/sh", "-c", Script, "keel-xfs-fill",
                image, mountPoint.FullName, Path.GetFullPath(source), request.SourceDateEpoch?.ToString() ?? "", keep,
            ];
            try
            {
                await ToolRunner.RunAsync(unshare, args, env, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new IOException($"{source}: copying into xfs '{request.Label}' failed: {e.Message}", e);
            }
        }
        finally
        {
            await DetachLeftoversAsync(losetup, image).ConfigureAwait(false);
            File.Delete(Path.Combine(mountPoint.Parent!.FullName, mountPoint.Name + ".keep"));

            // Not recursive: should anything ever be mounted here after all, this fails instead of emptying it.
            mountPoint.Delete(recursive: false);
        }
    }

    /// <summary>
    /// Detaches any loop device still backed by <paramref name="image"/>: mount is killed between attaching and mounting only on
    /// cancellation, and an auto-clearing device that was never mounted would otherwise stay.
    /// </summary>
    private static async Task DetachLeftoversAsync(string losetup, string image)
    {
        var list = await ToolRunner.RunAsync(losetup, ["--list", "--noheadings", "--output", "NAME", "--associated", image], null, CancellationToken.None, allowFailure: true)
            .ConfigureAwait(false);
        foreach (var device in list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A device still held by a dying namespace's mount only gets its auto-clear flag here, and goes when the mount does.
            await ToolRunner.RunAsync(losetup, ["--detach", device], null, CancellationToken.None, allowFailure: true).ConfigureAwait(false);
        }
    }
}
