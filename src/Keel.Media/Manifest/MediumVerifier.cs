using System.Security.Cryptography;
using Keel.Errors;
using Keel.OpenPgp;

namespace Keel.Media.Manifest;

/// <summary>How far a medium check has come: bytes and files hashed so far of the totals, and the file being read.</summary>
public sealed record VerifyProgress(long BytesDone, long BytesTotal, int FilesDone, int FilesTotal, string CurrentPath);

/// <summary>A verified medium: how many files and bytes were checked, the signing key, and the unsigned customization files found.</summary>
public sealed record MediumVerification(int Files, long Bytes, string KeyId, IReadOnlyList<string> CustomFiles);

/// <summary>
/// Checks a medium's tree (mounted, or extracted from the ISO) against its signed manifest: the signature first, then
/// every file streamed through SHA-256. Files, not device blocks, so a medium written to a stick by any tool verifies.
/// The tree must hold exactly the listed files plus the customization directory; a link, a device or an unlisted file
/// is refused, since the installer would otherwise read something no one signed.
/// </summary>
public static class MediumVerifier
{
    private const int BufferSize = 1 << 20;

    /// <summary>Verifies <paramref name="root"/>; throws <see cref="SignatureException"/> or a <see cref="KeelException"/> (digest-mismatch) naming the first bad file.</summary>
    public static async Task<MediumVerification> VerifyAsync(string root, OpenPgpKeyRing keys, IProgress<VerifyProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var (manifest, keyId) = ReadSigned(root, keys);
        var custom = CheckTree(root, manifest);
        long total = manifest.TotalBytes, done = 0;
        int files = 0;
        var buffer = new byte[BufferSize];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var entry in manifest.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new VerifyProgress(done, total, files, manifest.Entries.Count, entry.Path));
            var path = Path.Combine(root, entry.Path);
            await using (var stream = OpenRegular(path, entry.Path))
            {
                if (stream.Length != entry.Size)
                {
                    throw Mismatch(entry.Path, $"{entry.Path}: size {stream.Length} differs from the signed manifest's {entry.Size}");
                }

                long read = 0;
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    read += n;
                    done += n;
                    if (read % (64L << 20) < n)
                    {
                        progress?.Report(new VerifyProgress(done, total, files, manifest.Entries.Count, entry.Path));
                    }
                }
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != entry.Sha256)
            {
                throw Mismatch(entry.Path, $"{entry.Path}: SHA-256 {actual} differs from the signed manifest's {entry.Sha256}");
            }

            files++;
        }

        progress?.Report(new VerifyProgress(done, total, files, manifest.Entries.Count, ""));
        return new MediumVerification(files, done, keyId, custom);
    }

    /// <summary>Reads the manifest and checks its signature with <paramref name="keys"/>; returns it with the signing key id.</summary>
    public static (MediumManifest Manifest, string KeyId) ReadSigned(string root, OpenPgpKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var manifestBytes = ReadSmall(Path.Combine(root, MediumLayout.Manifest), MediumLayout.Manifest, MediumManifest.MaxBytes);
        var signature = ReadSmall(Path.Combine(root, MediumLayout.ManifestSignature), MediumLayout.ManifestSignature, 64 * 1024);
        var check = keys.VerifyDetached(manifestBytes, signature);
        if (!check.IsValid)
        {
            throw new SignatureException(MediumLayout.ManifestSignature,
                $"{MediumLayout.ManifestSignature}: the medium's manifest signature is not valid: {check.Detail}",
                check.Status == SignatureStatus.UnknownKey ? $"the medium was signed by key {check.KeyId}, which is not the key given" : null);
        }

        return (MediumManifest.Parse(manifestBytes, MediumLayout.Manifest), check.KeyId ?? "");
    }

    // Every file in the tree must be listed (or be the manifest or a customization); returns the customization files.
    private static List<string> CheckTree(string root, MediumManifest manifest)
    {
        var listed = manifest.Entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var custom = new List<string>();
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            var relative = pending.Pop();
            foreach (var info in new DirectoryInfo(Path.Combine(root, relative)).EnumerateFileSystemInfos())
            {
                var path = relative.Length == 0 ? info.Name : relative + "/" + info.Name;
                if (info.LinkTarget is not null)
                {
                    throw Mismatch(path, $"{path}: is a symbolic link; a medium holds only files and directories");
                }

                if (info is DirectoryInfo)
                {
                    pending.Push(path);
                }
                else if (!listed.Contains(path))
                {
                    if (path.StartsWith(MediumLayout.CustomDirectory + "/", StringComparison.Ordinal))
                    {
                        custom.Add(path);
                    }
                    else if (!MediumLayout.IsUnsigned(path))
                    {
                        throw Mismatch(path, $"{path}: is on the medium but not in its signed manifest");
                    }
                }
            }
        }

        var missing = listed.FirstOrDefault(p => !File.Exists(Path.Combine(root, p)));
        if (missing is not null)
        {
            throw Mismatch(missing, $"{missing}: is in the signed manifest but missing from the medium");
        }

        custom.Sort(StringComparer.Ordinal);
        return custom;
    }

    private static FileStream OpenRegular(string path, string name)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            throw Mismatch(name, $"{name}: is in the signed manifest but missing from the medium or not a regular file");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
    }

    private static byte[] ReadSmall(string path, string name, int limit)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            throw new SignatureException(name, $"{name}: missing from the medium, so it cannot be verified", "was the medium built with keel media build --signing-key?");
        }

        if (info.Length > limit)
        {
            throw new LimitExceededException(name, $"{name}: {info.Length} bytes exceeds the limit of {limit}");
        }

        return File.ReadAllBytes(path);
    }

    private static KeelException Mismatch(string path, string message) =>
        new(ReasonCodes.DigestMismatch, path, message, "the medium is damaged or was altered: download or write it again");
}
