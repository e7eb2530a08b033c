using System.Text;
using Keel.Errors;

namespace Keel.TargetSystem;

/// <summary>
/// A target root (a mounted image or "/") that paths from configuration are resolved inside. Resolution walks the path one
/// component at a time with lstat; a symlink met on the way is followed as the chrooted system would see it (absolute
/// targets restart at the root, ".." stops at the root), so nothing is ever read or written outside the root.
/// Writes go to a temporary file in the same directory and are renamed into place.
/// </summary>
public sealed class TargetRoot
{
    /// <summary>Most symlinks followed while resolving one path (Linux's own limit).</summary>
    public const int MaxSymlinks = 40;

    /// <summary>Creates a root over an existing directory.</summary>
    public TargetRoot(string rootPath)
    {
        var full = Path.GetFullPath(rootPath);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"{rootPath}: target root is not a directory");
        }

        RootPath = full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>The root's host path, without a trailing slash (except "/").</summary>
    public string RootPath { get; }

    /// <summary>Whether this is the running system's own root.</summary>
    public bool IsHostRoot => RootPath == "/";

    /// <summary>
    /// Checks a path taken from configuration: absolute, no NUL, no ".." component. Throws UnsafePathException naming it.
    /// </summary>
    public static string CheckConfigPath(string path, string what)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafePathException(path, $"{what}: path '{path}' must be absolute");
        }

        if (path.Split('/').Any(c => c == ".."))
        {
            throw new UnsafePathException(path, $"{what}: path '{path}' contains '..' and could leave the target root");
        }

        return path;
    }

    /// <summary>Resolves a path inside the root to a host path; with <paramref name="followFinal"/> false a final symlink is not followed.</summary>
    public string Resolve(string pathInRoot, bool followFinal = true)
    {
        if (pathInRoot.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnsafePathException(pathInRoot, $"path '{pathInRoot}' contains NUL");
        }

        var resolved = new List<string>();
        var pending = new Stack<string>(pathInRoot.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var links = 0;
        while (pending.Count > 0)
        {
            var c = pending.Pop();
            if (c == ".")
            {
                continue;
            }

            if (c == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = Join(resolved, c);
            if (pending.Count == 0 && !followFinal)
            {
                resolved.Add(c);
                break;
            }

            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(c);
                continue;
            }

            if (++links > MaxSymlinks)
            {
                throw new UnsafePathException(pathInRoot, $"{pathInRoot}: more than {MaxSymlinks} symlinks inside {RootPath}");
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(t);
            }
        }

        return Join(resolved, null);
    }

    private string Join(List<string> components, string? extra)
    {
        var sb = new StringBuilder(RootPath == "/" ? "" : RootPath);
        foreach (var c in components)
        {
            sb.Append('/').Append(c);
        }

        if (extra is not null)
        {
            sb.Append('/').Append(extra);
        }

        return sb.Length == 0 ? "/" : sb.ToString();
    }

    /// <summary>Whether anything (file, directory, dangling link) is at the path.</summary>
    public bool Exists(string pathInRoot)
    {
        var p = Resolve(pathInRoot, followFinal: false);
        return File.Exists(p) || Directory.Exists(p) || new FileInfo(p).LinkTarget is not null;
    }

    /// <summary>The file's bytes, or null when there is no such file.</summary>
    public byte[]? ReadAllBytesOrNull(string pathInRoot)
    {
        var p = Resolve(pathInRoot);
        return File.Exists(p) ? File.ReadAllBytes(p) : null;
    }

    /// <summary>The file's text, or null when there is no such file.</summary>
    public string? ReadAllTextOrNull(string pathInRoot) => ReadAllBytesOrNull(pathInRoot) is { } b ? Encoding.UTF8.GetString(b) : null;

    /// <summary>Creates the directory and missing parents (new ones get <paramref name="mode"/>); returns the host path.</summary>
    public string CreateDirectory(string pathInRoot, UnixFileMode mode = (UnixFileMode)0b111_101_101)
    {
        var parts = pathInRoot.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        foreach (var part in parts)
        {
            current = current == "/" ? "/" + part : current + "/" + part;
            var host = Resolve(current);
            if (!Directory.Exists(host))
            {
                if (File.Exists(host))
                {
                    throw new UnsafePathException(current, $"{current}: exists in {RootPath} and is not a directory");
                }

                Directory.CreateDirectory(host, mode);
            }
        }

        return Resolve(pathInRoot);
    }

    /// <summary>
    /// Writes a whole file atomically: temporary file beside it, mode and owner set, then renamed over the old one.
    /// <paramref name="uid"/>/<paramref name="gid"/> of -1 leave the owner as created.
    /// </summary>
    public void WriteFile(string pathInRoot, ReadOnlySpan<byte> content, UnixFileMode mode, int uid = -1, int gid = -1)
    {
        var host = Resolve(pathInRoot);
        var dir = Path.GetDirectoryName(host)!;
        if (!Directory.Exists(dir))
        {
            CreateDirectory(Path.GetDirectoryName(pathInRoot)!);
        }

        if (!Directory.Exists(dir))
        {
            // The path's own directory exists now, so its last component is a symlink into a directory that does not; the
            // chrooted system's open(2) would fail the same way. Said here, or the runtime's message (a bare resource key in
            // the NativeAOT agent) would name neither the path nor the link.
            var link = new FileInfo(Resolve(pathInRoot, followFinal: false)).LinkTarget;
            throw new UnsafePathException(pathInRoot, $"{pathInRoot}: is a symlink to {link} in {RootPath}, whose directory does not exist; nothing written");
        }

        if (Directory.Exists(host))
        {
            throw new UnsafePathException(pathInRoot, $"{pathInRoot}: is a directory in {RootPath}");
        }

        var tmp = Path.Combine(dir, $".{Path.GetFileName(host)}.keel-{Guid.NewGuid():N}");
        try
        {
            using (var fs = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }

            if (uid >= 0 || gid >= 0)
            {
                Chown(tmp, uid, gid);
            }

            File.SetUnixFileMode(tmp, mode);
            File.Move(tmp, host, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>Writes text as UTF-8, atomically.</summary>
    public void WriteText(string pathInRoot, string text, UnixFileMode mode, int uid = -1, int gid = -1) =>
        WriteFile(pathInRoot, Encoding.UTF8.GetBytes(text), mode, uid, gid);

    /// <summary>Creates or replaces a symlink atomically (the link itself; its target is not followed).</summary>
    public void Symlink(string pathInRoot, string target)
    {
        var host = Resolve(pathInRoot, followFinal: false);
        var dir = Path.GetDirectoryName(host)!;
        if (!Directory.Exists(dir))
        {
            CreateDirectory(Path.GetDirectoryName(pathInRoot)!);
        }

        var tmp = Path.Combine(dir, $".{Path.GetFileName(host)}.keel-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(tmp, target);

        // rename(2) itself: File.Move follows a link to an existing directory and then finds no file to move.
        if (Native.Rename(tmp, host) != 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            File.Delete(tmp);
            throw new IOException($"{pathInRoot}: cannot replace it with a symlink to {target} (errno {errno})");
        }
    }

    /// <summary>
    /// On the running system (root "/") also sets the kernel's host name, as cloud-init does with hostname(1); a target
    /// root only gets /etc/hostname, which its own boot applies. Throws IOException when the kernel refuses.
    /// </summary>
    public void ApplyRunningHostname(string hostname)
    {
        if (!IsHostRoot)
        {
            return;
        }

        var bytes = Encoding.ASCII.GetBytes(hostname);
        if (Native.SetHostname(bytes, (nuint)bytes.Length) != 0)
        {
            throw new IOException($"sethostname {hostname}: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Deletes a file or symlink (not its target) if present.</summary>
    public void DeleteFile(string pathInRoot)
    {
        var host = Resolve(pathInRoot, followFinal: false);
        if (File.Exists(host) || new FileInfo(host).LinkTarget is not null)
        {
            File.Delete(host);
        }
    }

    private static void Chown(string hostPath, int uid, int gid)
    {
        if (Native.LChown(hostPath, unchecked((uint)uid), unchecked((uint)gid)) != 0)
        {
            throw new IOException($"{hostPath}: chown {uid}:{gid} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
    }
}
