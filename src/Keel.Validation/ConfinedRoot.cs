using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Keel.Validation;

/// <summary>
/// Reads a root tree that may be hostile: every path is resolved by the kernel as if the root were "/" (openat2
/// RESOLVE_IN_ROOT), so a symlink or ".." can never lead out of it, exactly as rpm resolves paths after chroot.
/// The last component is never followed (lstat semantics) unless asked for.
/// </summary>
internal sealed class ConfinedRoot : IDisposable
{
    private readonly int _rootFd;

    private ConfinedRoot(string path, int rootFd)
    {
        Path = path;
        _rootFd = rootFd;
    }

    /// <summary>The root's host path, for messages.</summary>
    public string Path { get; }

    /// <summary>Opens a root directory.</summary>
    /// <exception cref="DirectoryNotFoundException">It cannot be opened as a directory.</exception>
    public static ConfinedRoot Open(string path)
    {
        int flags = (int)(ConfinedNative.ODirectory | ConfinedNative.OCloexec);
        int fd = ConfinedNative.Open(path, flags);
        if (fd < 0)
        {
            throw new DirectoryNotFoundException($"{path}: cannot open the root directory");
        }

        return new ConfinedRoot(path, fd);
    }

    /// <summary>lstat of a path inside the root (intermediate symlinks resolved inside it); null when absent.</summary>
    public UnixStat? LStat(string path) => Stat(path, follow: false);

    /// <summary>stat of a path inside the root, following a final symlink inside it too; null when absent.</summary>
    public UnixStat? Stat(string path, bool follow)
    {
        int fd = OpenPath(path, follow);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return ConfinedNative.StatFd(fd, out var stat) == 0 ? stat : null;
        }
        finally
        {
            ConfinedNative.Close(fd);
        }
    }

    /// <summary>The target of a symlink inside the root, as stored (not resolved); null when it is not a readable symlink.</summary>
    public string? ReadLink(string path)
    {
        int fd = OpenPath(path, follow: false);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            var bytes = ConfinedNative.ReadLink(fd);
            return bytes is null ? null : Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            ConfinedNative.Close(fd);
        }
    }

    /// <summary>
    /// Opens a regular file inside the root for reading; null when it is absent, not a regular file or a symlink
    /// (<paramref name="follow"/> false).
    /// </summary>
    public FileStream? OpenRead(string path, bool follow = false) =>
        OpenHandle(path, follow) is { } handle ? new FileStream(handle, FileAccess.Read, bufferSize: 0) : null;

    /// <summary>As <see cref="OpenRead"/>, as a handle for <see cref="RandomAccess"/> (no stream, no seeks).</summary>
    public SafeFileHandle? OpenHandle(string path, bool follow = false)
    {
        ulong flags = ConfinedNative.OCloexec | ConfinedNative.ONonblock | (follow ? 0 : ConfinedNative.ONoFollow);
        int fd = ConfinedNative.OpenAt2(_rootFd, Z(path), flags, ConfinedNative.ResolveInRoot | ConfinedNative.ResolveNoMagicLinks);
        if (fd < 0)
        {
            return null;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (ConfinedNative.StatFd(fd, out var stat) != 0 || !stat.IsRegular)
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }

    /// <summary>Reads a small regular file inside the root (following a final symlink inside it), or null.</summary>
    public byte[]? ReadAllBytes(string path, bool follow = true)
    {
        using var stream = OpenRead(path, follow);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The names in a directory inside the root (not following a final symlink); empty when it is not one.</summary>
    public IReadOnlyList<string> List(string path)
    {
        ulong flags = ConfinedNative.ODirectory | ConfinedNative.OCloexec | ConfinedNative.ONoFollow;
        int fd = ConfinedNative.OpenAt2(_rootFd, Z(path), flags, ConfinedNative.ResolveInRoot | ConfinedNative.ResolveNoMagicLinks);
        if (fd < 0)
        {
            return [];
        }

        try
        {
            // /proc/self/fd/N names exactly the directory opened above, so the enumeration cannot be redirected.
            return [.. Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}").Select(System.IO.Path.GetFileName).OfType<string>()];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
        finally
        {
            ConfinedNative.Close(fd);
        }
    }

    public void Dispose() => ConfinedNative.Close(_rootFd);

    private int OpenPath(string path, bool follow)
    {
        ulong flags = ConfinedNative.OPath | ConfinedNative.OCloexec | (follow ? 0 : ConfinedNative.ONoFollow);
        int fd = ConfinedNative.OpenAt2(_rootFd, Z(path), flags, ConfinedNative.ResolveInRoot | ConfinedNative.ResolveNoMagicLinks);
        if (fd == -ConfinedNative.Enosys)
        {
            throw new PlatformNotSupportedException("openat2 is not available (Linux 5.6 or later is needed to read a root tree safely)");
        }

        return fd;
    }

    // A relative, NUL-terminated UTF-8 path: RESOLVE_IN_ROOT treats a leading '/' as the root anyway.
    private static byte[] Z(string path)
    {
        var relative = path.TrimStart('/');
        if (relative.Length == 0)
        {
            relative = ".";
        }

        var bytes = new byte[Encoding.UTF8.GetByteCount(relative) + 1];
        Encoding.UTF8.GetBytes(relative, bytes);
        return bytes;
    }
}
