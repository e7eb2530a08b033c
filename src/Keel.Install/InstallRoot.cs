namespace Keel.Install;

/// <summary>Checks that a target root is safe to install into: never the host's /, and empty unless Keel creates it.</summary>
public static class InstallRoot
{
    /// <summary>
    /// Returns the absolute root; creates it when missing. Throws IOException when it is / (or a symlink to it), is not a
    /// directory, or already holds files, because rpm would then write into a system Keel did not make.
    /// </summary>
    public static string Prepare(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (IsFilesystemRoot(full))
        {
            throw new IOException($"{root}: refusing to install into / (the running system)");
        }

        if (File.Exists(full))
        {
            throw new IOException($"{root}: target root is a file, not a directory");
        }

        if (!Directory.Exists(full))
        {
            Directory.CreateDirectory(full);
            return full;
        }

        // A symlinked root could lead back to / — check where it really is before looking inside.
        if (new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target && IsFilesystemRoot(target.FullName))
        {
            throw new IOException($"{root}: is a link to / (the running system); refusing to install there");
        }

        if (Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new IOException($"{root}: target root is not empty; install into an empty directory or one Keel creates");
        }

        return full;
    }

    private static bool IsFilesystemRoot(string path)
    {
        var full = Path.GetFullPath(path);
        return full == Path.GetPathRoot(full);
    }
}
