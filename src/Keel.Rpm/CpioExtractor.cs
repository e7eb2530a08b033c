namespace Keel.Rpm;

/// <summary>What an extraction wrote (relative paths) and what it skipped (device nodes, fifos, sockets).</summary>
public sealed record CpioExtractionResult(IReadOnlyList<string> Written, IReadOnlyList<string> Skipped);

/// <summary>
/// Extracts a cpio archive into a directory and never writes outside it: absolute and ".." names are refused, no
/// symlink already in the tree is followed, and each file is written under a temporary name and renamed into place.
/// </summary>
public static class CpioExtractor
{
    private const int MaxSymlinkTarget = 4096;
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1ff;

    /// <summary>Extracts every entry of <paramref name="cpio"/> below <paramref name="targetDirectory"/> (created if missing).</summary>
    /// <exception cref="InvalidDataException">An entry name escapes the target or passes through a symlink; the archive is malformed.</exception>
    public static CpioExtractionResult Extract(Stream cpio, string targetDirectory, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(cpio);
        var root = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(root);
        var reader = new CpioReader(cpio, sourceName);
        var written = new List<string>();
        var skipped = new List<string>();
        var directoryModes = new List<(string Path, UnixFileMode Mode)>();
        var links = new Dictionary<(long, int, int), HardLinkSet>();
        while (reader.GetNextEntry() is { } entry)
        {
            var relative = SafeRelativePath(entry.Name, sourceName);
            if (relative.Length == 0)
            {
                continue;
            }

            var dest = Path.Combine(root, relative);
            EnsureParents(root, relative, sourceName, entry.Name);
            if (entry.IsDirectory)
            {
                EnsureDirectory(dest, sourceName, entry.Name);
                directoryModes.Add((dest, (UnixFileMode)entry.Mode & PermissionBits));
            }
            else if (entry.IsSymlink)
            {
                if (entry.Size > MaxSymlinkTarget)
                {
                    throw new InvalidDataException($"{sourceName}: symlink '{entry.Name}' has a {entry.Size}-byte target (limit {MaxSymlinkTarget})");
                }

                using var text = new StreamReader(entry.Open());
                var target = text.ReadToEnd();
                var temp = TempName(dest);
                File.CreateSymbolicLink(temp, target);
                Replace(temp, dest, sourceName, entry.Name);
            }
            else if (entry.IsRegular)
            {
                if (entry.LinkCount > 1)
                {
                    var key = (entry.Inode, entry.DevMajor, entry.DevMinor);
                    if (!links.TryGetValue(key, out var set))
                    {
                        set = new HardLinkSet();
                        links[key] = set;
                    }

                    // rpm stores the data with the last name of a hard-link set; the others have size 0.
                    if (entry.Size == 0 && set.Written is null)
                    {
                        set.Pending.Add((dest, (UnixFileMode)entry.Mode & PermissionBits, entry.MTime));
                        written.Add(relative);
                        continue;
                    }

                    if (set.Written is not null)
                    {
                        LinkInto(set.Written, dest, sourceName, entry.Name);
                        written.Add(relative);
                        continue;
                    }

                    WriteFile(entry, dest, sourceName);
                    set.Written = dest;
                    foreach (var (pending, _, _) in set.Pending)
                    {
                        LinkInto(dest, pending, sourceName, entry.Name);
                    }

                    set.Pending.Clear();
                }
                else
                {
                    WriteFile(entry, dest, sourceName);
                }
            }
            else
            {
                skipped.Add(relative);
                continue;
            }

            written.Add(relative);
        }

        // Hard-link sets whose data never came are empty files (as cpio -i makes them).
        foreach (var set in links.Values.Where(s => s.Written is null && s.Pending.Count > 0))
        {
            var (first, mode, mtime) = set.Pending[0];
            WriteBytes(first, [], mode, mtime, sourceName);
            foreach (var (other, _, _) in set.Pending.Skip(1))
            {
                LinkInto(first, other, sourceName, other);
            }
        }

        // Directory permissions last, deepest first, so a read-only directory does not block its own contents.
        foreach (var (path, mode) in directoryModes.OrderByDescending(d => d.Path.Length))
        {
            SetMode(path, mode | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new CpioExtractionResult(written, skipped);
    }

    /// <summary>The archive name as a relative path ("./usr/bin/x" → "usr/bin/x"); refuses absolute names and "..".</summary>
    public static string SafeRelativePath(string name, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith('/'))
        {
            throw new InvalidDataException($"{sourceName}: archive entry '{name}' is an absolute path");
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                throw new InvalidDataException($"{sourceName}: archive entry '{name}' contains '..'");
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private static void EnsureParents(string root, string relative, string sourceName, string entryName)
    {
        var current = root;
        var parts = relative.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            current = Path.Combine(current, parts[i]);
            EnsureDirectory(current, sourceName, entryName);
        }
    }

    private static void EnsureDirectory(string path, string sourceName, string entryName)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            throw new InvalidDataException($"{sourceName}: archive entry '{entryName}' would be written through the symlink '{path}'");
        }

        if (Directory.Exists(path))
        {
            return;
        }

        if (info.Exists)
        {
            throw new InvalidDataException($"{sourceName}: archive entry '{entryName}' needs '{path}' to be a directory, but it is a file");
        }

        // The parent was checked already, so creating exactly one level cannot follow a link.
        Directory.CreateDirectory(path);
    }

    private static void WriteFile(CpioEntry entry, string dest, string sourceName)
    {
        var temp = TempName(dest);
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                entry.Open().CopyTo(output);
            }

            SetMode(temp, (UnixFileMode)entry.Mode & PermissionBits);
            File.SetLastWriteTimeUtc(temp, DateTimeOffset.FromUnixTimeSeconds(entry.MTime).UtcDateTime);
            Replace(temp, dest, sourceName, entry.Name);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void WriteBytes(string dest, byte[] data, UnixFileMode mode, long mtime, string sourceName)
    {
        var temp = TempName(dest);
        File.WriteAllBytes(temp, data);
        SetMode(temp, mode);
        File.SetLastWriteTimeUtc(temp, DateTimeOffset.FromUnixTimeSeconds(mtime).UtcDateTime);
        Replace(temp, dest, sourceName, dest);
    }

    private static void LinkInto(string existing, string dest, string sourceName, string entryName)
    {
        var temp = TempName(dest);
        NativeLinks.CreateHardLink(existing, temp);
        Replace(temp, dest, sourceName, entryName);
    }

    /// <summary>Renames over <paramref name="dest"/>; rename replaces a symlink itself, never what it points to.</summary>
    private static void Replace(string temp, string dest, string sourceName, string entryName)
    {
        if (Directory.Exists(dest) && new FileInfo(dest).LinkTarget is null)
        {
            File.Delete(temp);
            throw new InvalidDataException($"{sourceName}: archive entry '{entryName}' would replace the directory '{dest}'");
        }

        NativeLinks.Rename(temp, dest);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        // Keel runs on Linux; the guard only satisfies the platform analyzer.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static string TempName(string dest) =>
        Path.Combine(Path.GetDirectoryName(dest)!, $".keel-{Guid.NewGuid():n}.tmp");

    private sealed class HardLinkSet
    {
        public string? Written { get; set; }

        public List<(string Path, UnixFileMode Mode, long MTime)> Pending { get; } = [];
    }
}
