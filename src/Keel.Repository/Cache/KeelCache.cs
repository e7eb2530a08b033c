using System.Security.Cryptography;
using System.Text;
using Keel.Repository.Integrity;

namespace Keel.Repository.Cache;

/// <summary>
/// The on-disk cache layout: downloaded metadata per repository, parsed metadata and packages by checksum.
/// Everything is written to a temporary name in the same directory and renamed when complete.
/// </summary>
public sealed class KeelCache
{
    public KeelCache(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>$XDG_CACHE_HOME/keel, or ~/.cache/keel.</summary>
    public static KeelCache Default()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(xdg) || !Path.IsPathRooted(xdg))
        {
            xdg = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }

        return new KeelCache(Path.Combine(xdg, "keel"));
    }

    /// <summary>repos/ID-HASH: metadata downloaded from one base URL (the hash keeps two URLs under one id apart).</summary>
    public string RepositoryDirectory(string repositoryId, string baseUrl)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseUrl)))[..12];
        return Path.Combine(Root, "repos", Sanitize(repositoryId) + "-" + hash);
    }

    /// <summary>parsed/KIND-TYPE-HEX.bin: a parsed metadata file, named by the checksum of the file it came from.</summary>
    public string ParsedPath(string kind, Checksum source) => Path.Combine(Root, "parsed", $"{kind}-{source.Type}-{source.Hex}.bin");

    /// <summary>packages/TYPE/HEX[..2]/HEX.rpm: a verified package, named by its checksum.</summary>
    public string PackagePath(Checksum checksum) => Path.Combine(Root, "packages", checksum.Type, checksum.Hex[..2], checksum.Hex + ".rpm");

    /// <summary>A unique temporary name beside <paramref name="finalPath"/>, so the rename is atomic.</summary>
    public static string TemporaryPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, "." + Path.GetFileName(finalPath) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");

    /// <summary>
    /// Writes through <paramref name="write"/> into a temporary file and renames it to <paramref name="finalPath"/>. With
    /// <paramref name="durable"/> the data is flushed to disk before the rename; files whose readers check a checksum
    /// anyway (packages) skip that, since a torn file after a crash is caught and fetched again.
    /// </summary>
    public static void WriteAtomically(string finalPath, Action<Stream> write, bool durable = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        var temp = TemporaryPathFor(finalPath);
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 256 * 1024))
            {
                write(fs);
                fs.Flush(flushToDisk: durable);
            }

            File.Move(temp, finalPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Sanitize(string id) =>
        new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
