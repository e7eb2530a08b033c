using System.Globalization;
using System.Security.Cryptography;
using Keel.Errors;
using Keel.Media.Build;
using Keel.Media.Manifest;
using Keel.OpenPgp;

namespace Keel.Media.Iso;

/// <summary>What `keel media verify` found: the medium check, where the key came from, the ESP and SHA256SUMS results.</summary>
public sealed record IsoVerification(MediumVerification Medium, bool KeyFromMedium, bool EspChecked, string Sha256Sums);

/// <summary>
/// Verifies an ISO on any machine: its tree extracted in user space and checked against the signed manifest (every file,
/// no extra file, no link), the appended ESP (which holds the UKI, outside the ISO tree) against its signed digest, and
/// SHA256SUMS with its signature when they lie beside the ISO.
/// </summary>
public static class MediumIsoVerifier
{
    /// <summary>
    /// Verifies <paramref name="iso"/> with the keys of <paramref name="keyFile"/>, or else the keys the medium carries
    /// (which proves integrity, not origin). Throws a KeelException naming the first bad file.
    /// </summary>
    public static async Task<IsoVerification> VerifyAsync(string iso, string? keyFile, IProgress<VerifyProgress>? progress, CancellationToken cancellationToken)
    {
        var keys = keyFile is null ? null : OpenPgpKeyRing.Load(keyFile);

        // A directory is a mounted or extracted medium (a USB stick's mount point): its files are checked in place; the
        // boot partition and SHA256SUMS belong to the image and are not there.
        if (Directory.Exists(iso))
        {
            var medium = await MediumVerifier.VerifyAsync(iso, keys ?? MediumKeys(iso), progress, cancellationToken).ConfigureAwait(false);
            return new IsoVerification(medium, keys is null, false, "a directory: no SHA256SUMS checked");
        }

        IsoImage.RequireIso(iso);
        var scratch = Directory.CreateTempSubdirectory("keel-media-verify-");
        try
        {
            await IsoImage.ExtractAsync(iso, scratch.FullName, cancellationToken).ConfigureAwait(false);
            return await VerifyExtractedAsync(iso, scratch.FullName, keys, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>The same check on a tree already extracted from <paramref name="iso"/>; null keys: the medium's own.</summary>
    public static async Task<IsoVerification> VerifyExtractedAsync(string iso, string tree, OpenPgpKeyRing? keys, IProgress<VerifyProgress>? progress,
        CancellationToken cancellationToken)
    {
        bool fromMedium = keys is null;
        keys ??= MediumKeys(tree);
        var medium = await MediumVerifier.VerifyAsync(tree, keys, progress, cancellationToken).ConfigureAwait(false);
        bool esp = await CheckEspAsync(iso, tree, cancellationToken).ConfigureAwait(false);
        var sums = await CheckSha256SumsAsync(iso, keys, cancellationToken).ConfigureAwait(false);
        return new IsoVerification(medium, fromMedium, esp, sums);
    }

    /// <summary>Every key under keel/keys of an extracted medium (an unverified claim until the manifest checks out).</summary>
    public static OpenPgpKeyRing MediumKeys(string tree)
    {
        var dir = Path.Combine(tree, MediumLayout.KeysDirectory);
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            throw new SignatureException(MediumLayout.KeysDirectory, $"{MediumLayout.KeysDirectory}: the medium carries no key; give one with --key KEY.asc");
        }

        return OpenPgpKeyRing.Combine(files.Select(OpenPgpKeyRing.Load));
    }

    // The signed "SHA256  SIZE" of the ESP against the bytes of the ISO's EFI system partition.
    private static async Task<bool> CheckEspAsync(string iso, string tree, CancellationToken cancellationToken)
    {
        var digestFile = Path.Combine(tree, MediumLayout.EspDigest);
        if (!File.Exists(digestFile))
        {
            return false;
        }

        var (want, size) = ReadEspDigest(digestFile);
        var (offset, length) = IsoImage.FindEsp(iso);
        if (length < size)
        {
            throw Mismatch("EFI system partition", $"EFI system partition: {length} bytes, smaller than the signed {size}");
        }

        await using var stream = new FileStream(iso, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        stream.Position = offset;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long left = size;
        while (left > 0)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, n);
            left -= n;
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        return actual == want ? true : throw Mismatch("EFI system partition", $"EFI system partition (the boot image): SHA-256 {actual} differs from the signed {MediumLayout.EspDigest}");
    }

    /// <summary>Reads keel/esp.sha256: "SHA256  SIZE".</summary>
    public static (string Sha256, long Size) ReadEspDigest(string path)
    {
        var parts = File.ReadAllText(path).Trim().Split("  ");
        return parts.Length == 2 && parts[0].Length == 64 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? (parts[0], size)
            : throw new InvalidDataException($"{MediumLayout.EspDigest}: not a 'SHA256  SIZE' line");
    }

    private static async Task<string> CheckSha256SumsAsync(string iso, OpenPgpKeyRing keys, CancellationToken cancellationToken)
    {
        var sumsPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(iso))!, MediumLayout.Sha256Sums);
        if (!File.Exists(sumsPath))
        {
            return "no SHA256SUMS beside the ISO";
        }

        var text = await File.ReadAllBytesAsync(sumsPath, cancellationToken).ConfigureAwait(false);
        var want = Sha256Sums.Find(System.Text.Encoding.UTF8.GetString(text), Path.GetFileName(iso));
        if (want is null)
        {
            return $"{MediumLayout.Sha256Sums} beside the ISO does not list {Path.GetFileName(iso)} (a customized copy?)";
        }

        var (actual, _) = await MediumTree.Sha256Async(iso, cancellationToken).ConfigureAwait(false);
        if (actual != want)
        {
            throw Mismatch(sumsPath, $"{Path.GetFileName(iso)}: SHA-256 {actual} differs from {sumsPath}'s {want}");
        }

        var signature = sumsPath + ".asc";
        if (!File.Exists(signature))
        {
            return $"{MediumLayout.Sha256Sums} matches (unsigned: no {MediumLayout.Sha256SumsSignature})";
        }

        var signatureBytes = await File.ReadAllBytesAsync(signature, cancellationToken).ConfigureAwait(false);
        var check = keys.VerifyDetached(text, signatureBytes);
        return check.IsValid
            ? $"{MediumLayout.Sha256Sums} matches, signed by {check.KeyId}"
            : throw new SignatureException(signature, $"{signature}: not a valid signature of {MediumLayout.Sha256Sums}: {check.Detail}");
    }

    private static KeelException Mismatch(string path, string message) =>
        new(ReasonCodes.DigestMismatch, path, message, "the medium is damaged or was altered: download or write it again");
}
