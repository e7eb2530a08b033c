namespace Keel.Install.Storage;

/// <summary>
/// Splits the staged root tree into one tree per filesystem: the contents of each mount point (deepest first) move to a
/// directory of their own, leaving the empty mount point behind, as mounting the real filesystems there would show it.
/// </summary>
public static class TreeSplitter
{
    /// <summary>Returns mount point → source directory (the root itself for "/"). Moves stay on one filesystem, so they are renames.</summary>
    public static IReadOnlyDictionary<string, string> Split(string root, IEnumerable<string> mountPoints, string workDirectory)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal) { ["/"] = root };
        foreach (var mp in mountPoints.Where(m => m != "/").OrderByDescending(m => m.Count(c => c == '/')).ThenBy(m => m, StringComparer.Ordinal))
        {
            var host = MountPointDirectory(root, mp);
            var tree = Path.Combine(workDirectory, "fs" + mp.Replace('/', '_'));
            Directory.CreateDirectory(tree);
            File.SetUnixFileMode(tree, File.GetUnixFileMode(host));
            foreach (var entry in Directory.EnumerateFileSystemEntries(host).ToList())
            {
                var dest = Path.Combine(tree, Path.GetFileName(entry));
                if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
                {
                    Directory.Move(entry, dest);
                }
                else
                {
                    File.Move(entry, dest);
                }
            }

            result[mp] = tree;
        }

        return result;
    }

    // Each component must be a real directory: a package that made /boot a symlink would otherwise send the move elsewhere.
    private static string MountPointDirectory(string root, string mountPoint)
    {
        var current = root;
        foreach (var part in mountPoint.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part is "." or "..")
            {
                throw new InvalidDataException($"storage.format: mount point '{mountPoint}' contains '{part}'");
            }

            current = Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new InvalidDataException($"storage.format: mount point '{mountPoint}': {current[root.Length..]} is a symlink in the installed tree");
            }

            if (!info.Exists)
            {
                if (File.Exists(current))
                {
                    throw new InvalidDataException($"storage.format: mount point '{mountPoint}': {current[root.Length..]} is a file in the installed tree");
                }

                Directory.CreateDirectory(current);
            }
        }

        return current;
    }
}
