using System.Security.Cryptography;
using Keel.Media.Manifest;

namespace Keel.Media.Build;

/// <summary>Operations on the directory that becomes the ISO tree: its manifest, its time stamps, file digests.</summary>
public static class MediumTree
{
    /// <summary>
    /// The manifest of every regular file under <paramref name="root"/> except the unsigned ones (the manifest, its
    /// signature, keel/custom). A link or a special file is refused: the medium holds only files and directories.
    /// </summary>
    public static async Task<MediumManifest> CreateManifestAsync(string root, CancellationToken cancellationToken)
    {
        var entries = new List<ManifestEntry>();
        foreach (var path in Files(root))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (MediumLayout.IsUnsigned(relative))
            {
                continue;
            }

            var (sha, size) = await Sha256Async(path, cancellationToken).ConfigureAwait(false);
            entries.Add(new ManifestEntry(relative, size, sha));
        }

        return MediumManifest.Create(entries);
    }

    /// <summary>Every regular file under <paramref name="root"/>, sorted; throws InvalidDataException on links and special files.</summary>
    public static IEnumerable<string> Files(string root)
    {
        var found = new List<string>();
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (info.LinkTarget is not null)
            {
                throw new InvalidDataException($"{info.FullName}: is a symbolic link; a medium holds only files and directories");
            }

            if (info is FileInfo)
            {
                found.Add(info.FullName);
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>SHA-256 (lower-case hex) and size of <paramref name="path"/>.</summary>
    public static async Task<(string Sha256, long Size)> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return (Convert.ToHexStringLower(hash), stream.Length);
    }

    /// <summary>Sets every file's and directory's mtime to <paramref name="epoch"/>, so the ISO's Rock Ridge times do not depend on when it was built.</summary>
    public static void SetTimes(string root, long epoch)
    {
        var time = DateTime.UnixEpoch.AddSeconds(epoch);
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Where(i => i.LinkTarget is null))
        {
            info.LastWriteTimeUtc = time;
        }

        Directory.SetLastWriteTimeUtc(root, time);
    }
}
