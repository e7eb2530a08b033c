using System.Globalization;
using Keel.Errors;

namespace Keel.Mirror;

/// <summary>
/// The mirror directory's layout: DEST/snapshots/ID (published, never changed again), DEST/current (a relative
/// symlink to snapshots/ID, switched by renaming a new symlink over it), DEST/.staging (the checksum-keyed pool of a
/// sync in progress, kept when one is killed so the next resumes) and DEST/.lock (one sync at a time).
/// </summary>
internal sealed class SnapshotStore : IDisposable
{
    public const string CurrentName = "current";
    public const string SnapshotsName = "snapshots";
    private const string NewPrefix = ".new-";
    private const string TrashPrefix = ".trash-";
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int EWouldBlock = 11; // what .NET on Linux reports for a held flock


    private readonly FileStream _lock;

    private SnapshotStore(string root, FileStream lockFile)
    {
        Root = root;
        _lock = lockFile;
    }

    public string Root { get; }

    public string SnapshotsDirectory => Path.Combine(Root, SnapshotsName);

    public string StagingDirectory => Path.Combine(Root, ".staging");

    public string CurrentLink => Path.Combine(Root, CurrentName);

    /// <summary>Opens (creating) the mirror directory and takes its lock; a second sync on it fails at once.</summary>
    public static SnapshotStore Open(string destination)
    {
        var root = Path.GetFullPath(destination);
        if (File.Exists(root))
        {
            throw new UnsupportedInputException(destination, $"{destination}: is a file, not a mirror directory");
        }

        Directory.CreateDirectory(Path.Combine(root, SnapshotsName));
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive flock on Unix; the kernel drops it when the process dies, even by SIGKILL.
            lockFile = new FileStream(Path.Combine(root, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            // A held flock surfaces as a sharing violation; any other failure keeps its own words.
            var why = ex.HResult is EWouldBlock or SharingViolation ? "another keel mirror sync is running on this mirror" : $"cannot lock {Path.Combine(root, ".lock")}: {ex.Message}";
            throw new KeelException(ReasonCodes.Failed, destination, $"{destination}: {why}", "wait for the other sync to finish", ex);
        }

        var store = new SnapshotStore(root, lockFile);
        store.RemoveAbandonedTrees();
        return store;
    }

    /// <summary>The id `current` points at, or null for a new mirror. A `current` that is not ours is refused.</summary>
    public string? CurrentSnapshot()
    {
        var info = new FileInfo(CurrentLink);
        if (info.LinkTarget is not { } target)
        {
            return info.Exists || Directory.Exists(CurrentLink)
                ? throw new UnsupportedInputException(CurrentLink, $"{CurrentLink}: not a symlink; this directory is not a keel mirror")
                : null;
        }

        var prefix = SnapshotsName + "/";
        var id = target.StartsWith(prefix, StringComparison.Ordinal) ? target[prefix.Length..] : null;
        if (id is null || !IsSnapshotId(id) || !Directory.Exists(SnapshotPath(id)))
        {
            throw new UnsupportedInputException(CurrentLink, $"{CurrentLink}: points at '{target}', not at a snapshot of this mirror");
        }

        return id;
    }

    public string SnapshotPath(string id) => Path.Combine(SnapshotsDirectory, id);

    /// <summary>A fresh snapshot id from the time (sortable), unique among the existing ones.</summary>
    public string NewSnapshotId(DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var id = stamp;
        for (int n = 1; Directory.Exists(SnapshotPath(id)) || Directory.Exists(Path.Combine(SnapshotsDirectory, NewPrefix + id)); n++)
        {
            id = string.Create(CultureInfo.InvariantCulture, $"{stamp}-{n:000}");
        }

        return id;
    }

    /// <summary>The directory a new snapshot is assembled in; hidden until <see cref="Publish"/> renames it.</summary>
    public string NewTreePath(string id) => Path.Combine(SnapshotsDirectory, NewPrefix + id);

    /// <summary>
    /// Makes the assembled tree snapshot <paramref name="id"/> and points `current` at it: the directory is renamed into
    /// place, then a new symlink is renamed over `current`, so a client sees the old snapshot or the new one, never a mix.
    /// </summary>
    public void Publish(string id)
    {
        var tree = NewTreePath(id);
        // The files are flushed by the kernel in its own time; syncing the filesystem before the switch means a power
        // cut after it cannot leave `current` pointing at a snapshot with empty files.
        NativeFiles.SyncFileSystem(_lock.SafeFileHandle, Root);
        Directory.Move(tree, SnapshotPath(id));
        var temp = Path.Combine(Root, ".current-" + Guid.NewGuid().ToString("N")[..12]);
        File.CreateSymbolicLink(temp, SnapshotsName + "/" + id);
        try
        {
            NativeFiles.RenameOver(temp, CurrentLink);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Removes the oldest snapshots beyond <paramref name="keep"/>, never the current one; returns their ids.</summary>
    public IReadOnlyList<string> Prune(int keep)
    {
        var current = CurrentSnapshot();
        var ids = Snapshots();
        var pruned = new List<string>();
        int toRemove = ids.Count - Math.Max(1, keep);
        foreach (var id in ids)
        {
            if (toRemove <= 0)
            {
                break;
            }

            if (id == current)
            {
                continue;
            }

            // Renamed first, so a half-deleted snapshot never sits under its own name.
            var trash = Path.Combine(SnapshotsDirectory, TrashPrefix + id);
            Directory.Move(SnapshotPath(id), trash);
            Directory.Delete(trash, recursive: true);
            pruned.Add(id);
            toRemove--;
        }

        return pruned;
    }

    /// <summary>Published snapshot ids, oldest first.</summary>
    public IReadOnlyList<string> Snapshots() =>
        [.. Directory.EnumerateDirectories(SnapshotsDirectory).Select(Path.GetFileName).OfType<string>().Where(IsSnapshotId).Order(StringComparer.Ordinal)];

    /// <summary>Removes the staging pool after a publish: every verified file in it is linked into the snapshot now.</summary>
    public void ClearStaging()
    {
        if (Directory.Exists(StagingDirectory))
        {
            Directory.Delete(StagingDirectory, recursive: true);
        }
    }

    public void Dispose() => _lock.Dispose();

    private static bool IsSnapshotId(string name) => name.Length > 0 && name[0] != '.' && !name.Contains('/', StringComparison.Ordinal);

    // A sync killed while assembling or pruning leaves .new-*/.trash-* trees: never published, safe to drop.
    private void RemoveAbandonedTrees()
    {
        foreach (var dir in Directory.EnumerateDirectories(SnapshotsDirectory))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith(NewPrefix, StringComparison.Ordinal) || name.StartsWith(TrashPrefix, StringComparison.Ordinal))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        foreach (var link in Directory.EnumerateFileSystemEntries(Root, ".current-*"))
        {
            File.Delete(link);
        }
    }
}
