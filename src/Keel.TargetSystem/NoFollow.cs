using System.Runtime.InteropServices;
using System.Text;
using Keel.Errors;
using Microsoft.Win32.SafeHandles;

namespace Keel.TargetSystem;

/// <summary>
/// Root-confined file operations for directories a user controls (home, ~/.ssh): every component is opened with
/// openat(O_NOFOLLOW|O_DIRECTORY) from the root's descriptor, files are created as O_EXCL temporaries, owned and
/// moded through the descriptor and renamed with renameat, so a symlink is refused rather than followed and there is
/// no window between checking a path and writing it.
/// </summary>
public static partial class NoFollow
{
    private const int ORdOnly = 0, OWrOnly = 1, OCreat = 0x40, OExcl = 0x80, ODirectory = 0x10000, ONoFollow = 0x20000, OCloExec = 0x80000;
    private const int ENOENT = 2, ELOOP = 40, ENOTDIR = 20, EEXIST = 17;

    /// <summary>Opens (optionally creating, with mode and owner) the directory at <paramref name="pathInRoot"/> without following any symlink.</summary>
    public static SafeFileHandle OpenDirectory(TargetRoot root, string pathInRoot, UnixFileMode? createMode = null, int uid = -1, int gid = -1)
    {
        var fd = Check(Open(-100, root.RootPath, ORdOnly | ODirectory | OCloExec, 0), root.RootPath, root.RootPath);
        var walked = "";
        var components = Components(pathInRoot);
        for (var i = 0; i < components.Length; i++)
        {
            var c = components[i];
            walked += "/" + c;

            // Missing parents are the system's (root-owned, 0755); only the named directory gets the caller's owner and mode.
            var last = i == components.Length - 1;
            var next = Open(fd.DangerousGetHandle().ToInt32(), c, ORdOnly | ODirectory | ONoFollow | OCloExec, 0);
            if (next < 0 && Marshal.GetLastPInvokeError() == ENOENT && createMode is { } requested)
            {
                var mode = last ? requested : (UnixFileMode)0x1ed;
                if (MkdirAt(fd.DangerousGetHandle().ToInt32(), c, (uint)mode) != 0 && Marshal.GetLastPInvokeError() != EEXIST)
                {
                    fd.Dispose();
                    throw Fail(walked, root, "cannot create the directory");
                }

                next = Open(fd.DangerousGetHandle().ToInt32(), c, ORdOnly | ODirectory | ONoFollow | OCloExec, 0);
                if (next >= 0)
                {
                    var created = new SafeFileHandle(next, ownsHandle: true);
                    Own(created, walked, root, last ? uid : -1, last ? gid : -1, mode);
                    fd.Dispose();
                    fd = created;
                    continue;
                }
            }

            fd.Dispose();
            fd = Check(next, walked, root.RootPath);
        }

        return fd;
    }

    /// <summary>The file's bytes, or null when absent; a symlink anywhere on the way is refused.</summary>
    public static byte[]? ReadAllBytesOrNull(TargetRoot root, string pathInRoot)
    {
        using var handle = OpenExisting(root, pathInRoot);
        if (handle is null)
        {
            return null;
        }

        using var stream = new FileStream(handle, FileAccess.Read);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The file's text (UTF-8), or null when absent.</summary>
    public static string? ReadAllTextOrNull(TargetRoot root, string pathInRoot) =>
        ReadAllBytesOrNull(root, pathInRoot) is { } b ? Encoding.UTF8.GetString(b) : null;

    /// <summary>
    /// Replaces the file atomically: an O_EXCL temporary in the same directory, owner and mode set on its descriptor,
    /// renamed over the old name. An existing symlink at the name is refused. uid/gid -1 keep the creator's.
    /// </summary>
    public static void WriteFile(TargetRoot root, string pathInRoot, ReadOnlySpan<byte> content, UnixFileMode mode, int uid = -1, int gid = -1)
    {
        var (dir, name) = Split(pathInRoot);
        using var dirFd = OpenDirectory(root, dir);
        var dfd = dirFd.DangerousGetHandle().ToInt32();
        var existing = Open(dfd, name, ORdOnly | ONoFollow | OCloExec, 0);
        if (existing >= 0)
        {
            new SafeFileHandle(existing, ownsHandle: true).Dispose();
        }
        else if (Marshal.GetLastPInvokeError() != ENOENT)
        {
            throw Fail(pathInRoot, root, Marshal.GetLastPInvokeError() == ELOOP ? "is a symlink; refusing to follow it" : "cannot be opened");
        }

        var tmp = $".{name}.keel-{Guid.NewGuid():N}";
        var fd = Open(dfd, tmp, OWrOnly | OCreat | OExcl | ONoFollow | OCloExec, 0x180);
        using (var handle = Check(fd, pathInRoot, root.RootPath))
        {
            try
            {
                using (var stream = new FileStream(handle, FileAccess.Write))
                {
                    stream.Write(content);
                    stream.Flush(flushToDisk: true);
                    Own(handle, pathInRoot, root, uid, gid, mode);
                }
            }
            catch
            {
                _ = UnlinkAt(dfd, tmp, 0);
                throw;
            }
        }

        if (RenameAt(dfd, tmp, dfd, name) != 0)
        {
            var error = Fail(pathInRoot, root, "cannot be renamed into place");
            _ = UnlinkAt(dfd, tmp, 0);
            throw error;
        }
    }

    /// <summary>Writes text as UTF-8, atomically and without following symlinks.</summary>
    public static void WriteText(TargetRoot root, string pathInRoot, string text, UnixFileMode mode, int uid = -1, int gid = -1) =>
        WriteFile(root, pathInRoot, Encoding.UTF8.GetBytes(text), mode, uid, gid);

    /// <summary>Sets owner (and optionally mode) of a directory or file through its descriptor, refusing symlinks on the way.</summary>
    public static void Chown(TargetRoot root, string pathInRoot, int uid, int gid, UnixFileMode? mode = null)
    {
        var (dir, name) = Split(pathInRoot);
        using var dirFd = OpenDirectory(root, dir);
        var fd = Open(dirFd.DangerousGetHandle().ToInt32(), name, ORdOnly | ONoFollow | OCloExec, 0);
        using var handle = Check(fd, pathInRoot, root.RootPath);
        Own(handle, pathInRoot, root, uid, gid, mode);
    }

    /// <summary>Owner, group and mode of an existing file (not following a symlink), or null when absent.</summary>
    public static (int Uid, int Gid, UnixFileMode Mode)? Stat(TargetRoot root, string pathInRoot)
    {
        using var handle = OpenExisting(root, pathInRoot);
        if (handle is null)
        {
            return null;
        }

        var buffer = new byte[256];

        // statx(fd, "", AT_EMPTY_PATH): the kernel's stable struct statx, as UnixFileInfo reads it.
        if (Statx(handle.DangerousGetHandle().ToInt32(), "", 0x1000, 0x0fff, buffer) != 0)
        {
            throw Fail(pathInRoot, root, "statx failed");
        }

        return (BitConverter.ToInt32(buffer, 20), BitConverter.ToInt32(buffer, 24), (UnixFileMode)(BitConverter.ToUInt16(buffer, 28) & 0xfff));
    }

    /// <summary>Whether the path names a regular file (not a symlink, directory or device); false when absent. Symlinks on the way are refused.</summary>
    public static bool IsRegularFile(TargetRoot root, string pathInRoot)
    {
        var (dir, name) = Split(pathInRoot);
        using var dirFd = OpenDirectoryOrNull(root, dir);
        if (dirFd is null)
        {
            return false;
        }

        var buffer = new byte[256];

        // AT_SYMLINK_NOFOLLOW: a symlink reports itself; S_IFMT of stx_mode distinguishes S_IFREG.
        return Statx(dirFd.DangerousGetHandle().ToInt32(), name, 0x100, 0x0fff, buffer) == 0 && (BitConverter.ToUInt16(buffer, 28) & 0xf000) == 0x8000;
    }

    /// <summary>The names in a directory (symlinks on the way refused), or none when it does not exist.</summary>
    public static IReadOnlyList<string> ListNames(TargetRoot root, string dirInRoot)
    {
        using var dirFd = OpenDirectoryOrNull(root, dirInRoot);
        if (dirFd is null)
        {
            return [];
        }

        // /proc/self/fd/N is the directory just opened, whatever is renamed or planted on its path meanwhile.
        return Directory.EnumerateFileSystemEntries($"/proc/self/fd/{dirFd.DangerousGetHandle()}")
            .Select(e => Path.GetFileName(e))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Removes a file or symlink (never a symlink's target) when present; returns whether there was one. Symlinks on the way are refused.</summary>
    public static bool DeleteFile(TargetRoot root, string pathInRoot)
    {
        var (dir, name) = Split(pathInRoot);
        using var dirFd = OpenDirectoryOrNull(root, dir);
        if (dirFd is null)
        {
            return false;
        }

        if (UnlinkAt(dirFd.DangerousGetHandle().ToInt32(), name, 0) == 0)
        {
            return true;
        }

        return Marshal.GetLastPInvokeError() == ENOENT ? false : throw Fail(pathInRoot, root, "cannot be deleted");
    }

    /// <summary>
    /// Creates the directory when missing (missing parents root-owned 0755) and sets its mode, and its owner when uid/gid are
    /// not -1, through its descriptor; a symlink anywhere on the way is refused.
    /// </summary>
    public static void EnsureDirectory(TargetRoot root, string dirInRoot, UnixFileMode mode, int uid = -1, int gid = -1)
    {
        using var fd = OpenDirectory(root, dirInRoot, mode, uid, gid);
        Own(fd, dirInRoot, root, uid, gid, mode);
    }

    private static SafeFileHandle? OpenExisting(TargetRoot root, string pathInRoot)
    {
        var (dir, name) = Split(pathInRoot);
        using var dirFd = OpenDirectoryOrNull(root, dir);
        if (dirFd is null)
        {
            return null;
        }

        var fd = Open(dirFd.DangerousGetHandle().ToInt32(), name, ORdOnly | ONoFollow | OCloExec, 0);
        if (fd < 0 && Marshal.GetLastPInvokeError() == ENOENT)
        {
            return null;
        }

        return Check(fd, pathInRoot, root.RootPath);
    }

    private static SafeFileHandle? OpenDirectoryOrNull(TargetRoot root, string dirInRoot)
    {
        try
        {
            return OpenDirectory(root, dirInRoot);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static void Own(SafeFileHandle handle, string pathInRoot, TargetRoot root, int uid, int gid, UnixFileMode? mode)
    {
        var fd = handle.DangerousGetHandle().ToInt32();
        if ((uid >= 0 || gid >= 0) && FChown(fd, unchecked((uint)uid), unchecked((uint)gid)) != 0)
        {
            throw Fail(pathInRoot, root, $"chown {uid}:{gid} failed");
        }

        if (mode is { } m && FChmod(fd, (uint)m) != 0)
        {
            throw Fail(pathInRoot, root, "chmod failed");
        }
    }

    private static string[] Components(string pathInRoot)
    {
        var parts = pathInRoot.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (pathInRoot.Contains('\0', StringComparison.Ordinal) || parts.Any(p => p is ".." or "."))
        {
            throw new UnsafePathException(pathInRoot, $"path '{pathInRoot}' must be absolute without '.' or '..' components");
        }

        return parts;
    }

    private static (string Dir, string Name) Split(string pathInRoot)
    {
        var parts = Components(pathInRoot);
        if (parts.Length == 0)
        {
            throw new UnsafePathException(pathInRoot, $"path '{pathInRoot}' names no file");
        }

        return ("/" + string.Join('/', parts[..^1]), parts[^1]);
    }

    private static SafeFileHandle Check(int fd, string pathInRoot, string rootPath)
    {
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        var where = $"{pathInRoot} in {rootPath}";
        throw errno switch
        {
            ENOENT => new FileNotFoundException($"{where}: does not exist"),
            ELOOP or ENOTDIR => new UnsafePathException(pathInRoot, $"{where}: is a symlink or not a directory; refusing to follow it"),
            _ => new IOException($"{where}: cannot be opened (errno {errno})"),
        };
    }

    private static UnsafePathException Fail(string pathInRoot, TargetRoot root, string reason) =>
        new(pathInRoot, $"{pathInRoot} in {root.RootPath}: {reason} (errno {Marshal.GetLastPInvokeError()})");

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(int dirfd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkdirAt(int dirfd, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt(int olddirfd, string oldPath, int newdirfd, string newPath);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(int dirfd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FChown(int fd, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmod(int fd, uint mode);
}
