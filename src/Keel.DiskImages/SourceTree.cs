using Keel.TargetSystem;

namespace Keel.DiskImages;

/// <summary>One entry of a source tree as lstat sees it: its path relative to the root, its kind (find's %y letter) and mtime in seconds.</summary>
internal sealed record SourceEntry(string RelativePath, char Kind, long MtimeSeconds)
{
    public string Name => RelativePath[(RelativePath.LastIndexOf('/') + 1)..];

    public string Parent => RelativePath.LastIndexOf('/') is var i and >= 0 ? RelativePath[..i] : "";
}

/// <summary>Lists a source tree without following symlinks, in byte order of paths, so every walk over the same content is the same walk.</summary>
internal static class SourceTree
{
    /// <summary>Every entry below <paramref name="root"/> (not the root itself); throws NotSupportedException for names a script line cannot carry.</summary>
    public static Task<List<SourceEntry>> ListAsync(string root, CancellationToken ct)
    {
        // A managed walk with lstat (statx, no follow) rather than GNU find's -printf: the installer medium's live
        // system has busybox find, and the walk must be the same on a build host and there.
        var entries = new List<SourceEntry>();
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false };
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var relativeDir = pending.Pop();
            foreach (var full in Directory.EnumerateFileSystemEntries(relativeDir.Length == 0 ? root : Path.Combine(root, relativeDir), "*", options))
            {
                var name = Path.GetFileName(full);
                var path = relativeDir.Length == 0 ? name : relativeDir + "/" + name;
                if (path.IndexOfAny(['\n', '\r', '\uFFFD']) >= 0)
                {
                    throw new NotSupportedException($"{full}: names with line breaks or bytes that are not UTF-8 are not supported");
                }

                var info = new UnixFileInfo(full);
                entries.Add(new SourceEntry(path, info.TypeLetter, info.ModifiedSeconds));
                if (info.TypeLetter == 'd')
                {
                    pending.Push(path);
                }
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return Task.FromResult(entries);
    }

    /// <summary>The mtime a filesystem records: clamped to SOURCE_DATE_EPOCH when one is set, as rpm and tar do.</summary>
    public static long Clamp(long mtime, long? sourceDateEpoch) => sourceDateEpoch is { } epoch && mtime > epoch ? epoch : mtime;

    /// <summary>As above, except for an entry in <paramref name="preserved"/> (a packaged file with its header's mtime), which keeps its own.</summary>
    public static long Clamp(SourceEntry entry, long? sourceDateEpoch, IReadOnlySet<string>? preserved) =>
        preserved is not null && preserved.Contains(entry.RelativePath) ? entry.MtimeSeconds : Clamp(entry.MtimeSeconds, sourceDateEpoch);
}
