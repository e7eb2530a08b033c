using Keel.Rpm;
using Keel.RpmDb;

namespace Keel.Install.Storage;

/// <summary>
/// Which files of a staged root keep their own mtime in a reproducible image: every packaged regular file and symlink whose
/// mtime is still the one its package header records (rpm set it at install, and `rpm -Va` checks it). Everything else the
/// build made or changed is clamped to SOURCE_DATE_EPOCH. Both inputs (the rpmdb and the tree) are deterministic, so
/// images stay bit-identical.
/// </summary>
public static class PackagedMtimes
{
    /// <summary>Machine paths ("/usr/bin/bash") later than <paramref name="sourceDateEpoch"/> that keep their mtime; empty without an rpmdb.</summary>
    public static IReadOnlySet<string> Find(string root, long sourceDateEpoch)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        RpmDatabase database;
        try
        {
            database = RpmDatabase.Open(root);
        }
        catch (FileNotFoundException)
        {
            return result;
        }

        var directories = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var package in database.Packages)
        {
            foreach (var file in package.Header.GetFiles())
            {
                // Directories are not checked for mtime by rpm -V, and many packages share them; ghosts are not installed.
                var type = file.Mode & 0xF000;
                if (file.MTime <= sourceDateEpoch || (type != 0x8000 && type != 0xA000) || (file.Flags & RpmFileInfo.FlagGhost) != 0)
                {
                    continue;
                }

                // A package may name a file through a directory link (/lib/modules with /lib -> usr/lib): the filesystem
                // writers see the real path, so the directory part is resolved inside the root first.
                var slash = file.Path.LastIndexOf('/');
                if (slash < 0 || ResolveDirectory(root, file.Path[..slash], directories) is not { } directory)
                {
                    continue;
                }

                var path = directory + "/" + file.Path[(slash + 1)..];
                var onDisk = new FileInfo(Path.Join(root, path));
                if ((onDisk.Exists || onDisk.LinkTarget is not null) && new DateTimeOffset(onDisk.LastWriteTimeUtc).ToUnixTimeSeconds() == file.MTime)
                {
                    result.Add(path);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The real path ("/usr/lib/modules") of a directory named in the root ("/lib/modules"), following directory links
    /// as the machine would but never out of the root (an absolute target is taken inside it); null when it does not exist.
    /// </summary>
    private static string? ResolveDirectory(string root, string directory, Dictionary<string, string?> cache)
    {
        if (directory.Length == 0)
        {
            return "";
        }

        if (cache.TryGetValue(directory, out var known))
        {
            return known;
        }

        string? resolved = null;
        var slash = directory.LastIndexOf('/');
        if (ResolveDirectory(root, directory[..slash], cache) is { } parent)
        {
            resolved = parent + "/" + directory[(slash + 1)..];
            for (var hops = 0; resolved is not null && new DirectoryInfo(Path.Join(root, resolved)) is { LinkTarget: { } target }; hops++)
            {
                var baseDirectory = target.StartsWith('/') ? "" : resolved[..resolved.LastIndexOf('/')];
                resolved = hops < 8 ? Normalize(baseDirectory + "/" + target) : null;
            }

            if (resolved is not null && !Directory.Exists(Path.Join(root, resolved)))
            {
                resolved = null;
            }
        }

        cache[directory] = resolved;
        return resolved;
    }

    /// <summary>"/a/./b/../c" as "/a/c"; ".." at the top stays at the top (the root of the machine).</summary>
    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>The entries of <paramref name="machinePaths"/> below <paramref name="mountPoint"/>, relative to it (the filesystem's own paths).</summary>
    public static IReadOnlySet<string> Below(IReadOnlySet<string> machinePaths, string mountPoint)
    {
        var prefix = mountPoint == "/" ? "/" : mountPoint.TrimEnd('/') + "/";
        return machinePaths.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
    }
}
