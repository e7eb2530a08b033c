using System.Net.Sockets;

namespace Keel.Installer.Service.Hosting;

/// <summary>
/// Makes a unix socket path ready to listen on: the parent directory created 0700 when missing (/run/keel on the medium,
/// so no other user can reach the socket even before its own mode is set), a stale socket left by a crashed service
/// removed, and anything else at the path (a file, a directory, a symlink, a live service) refused with one line.
/// </summary>
public static class SocketPath
{
    /// <summary>The mode of a parent directory the service creates.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The socket's own mode: only its owner (root) may connect.</summary>
    public const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Prepares <paramref name="path"/>; throws IOException naming it when something other than a stale socket is there.</summary>
    public static void Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            Directory.CreateDirectory(parent, DirectoryMode);
            File.SetUnixFileMode(parent, DirectoryMode);
        }

        var info = new FileInfo(full);
        if (info.LinkTarget is not null)
        {
            throw new IOException($"{full}: is a symbolic link, not the installer's socket; remove it or choose another --socket");
        }

        if (Directory.Exists(full))
        {
            throw new IOException($"{full}: is a directory, not the installer's socket; choose another --socket");
        }

        // File.Exists and FileInfo.Exists say false for a socket; Path.Exists sees any entry.
        if (!Path.Exists(full))
        {
            return;
        }

        if (!IsSocket(full))
        {
            throw new IOException($"{full}: is a regular file, not the installer's socket; remove it or choose another --socket");
        }

        if (Answers(full))
        {
            throw new IOException($"{full}: another installer service is listening there; stop it or choose another --socket");
        }

        // A socket nobody listens on: left by a service that did not shut down. Replaced.
        File.Delete(full);
    }

    /// <summary>Whether a service accepts connections on <paramref name="path"/>.</summary>
    public static bool Answers(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // A socket cannot be opened as a file (the kernel answers ENXIO); a regular file, a fifo or a device can, or fails otherwise.
    private static bool IsSocket(string path)
    {
        try
        {
            using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.None, Share = FileShare.ReadWrite });
            return false;
        }
        catch (IOException ex) when (ex.HResult == 6 || ex.Message.Contains("No such device or address", StringComparison.Ordinal))
        {
            return true;
        }
    }
}
