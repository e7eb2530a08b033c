using Keel.OpenPgp;

namespace Keel.ImageManifest;

/// <summary>What checking a manifest's detached signature found.</summary>
public enum ManifestSignatureStatus
{
    /// <summary>Signed by a key in the given ring, and the signature matches the bytes.</summary>
    Valid,

    /// <summary>There is no image.json.asc.</summary>
    NoSignature,

    /// <summary>The signature does not match the bytes (the manifest or the signature was changed), or cannot be read.</summary>
    BadSignature,

    /// <summary>Signed by a key that is not in the given ring (named by <see cref="ManifestSignatureResult.KeyId"/>).</summary>
    UnknownKey,
}

/// <summary>The outcome of <see cref="ImageManifestVerifier.Verify"/>: the status, the signing key id when known and a one-line message.</summary>
public sealed record ManifestSignatureResult(ManifestSignatureStatus Status, string? KeyId, string Message)
{
    public bool IsValid => Status == ManifestSignatureStatus.Valid;
}

/// <summary>
/// Checks image.json.asc over the exact bytes of image.json with a key ring, offline. The bytes are verified as they are
/// (never re-serialised), before anything trusts what they say.
/// </summary>
public static class ImageManifestVerifier
{
    /// <summary>Checks <paramref name="signature"/> (armored, detached; null when there is none) over <paramref name="manifest"/>.</summary>
    public static ManifestSignatureResult Verify(ReadOnlySpan<byte> manifest, ReadOnlySpan<byte> signature, bool hasSignature, OpenPgpKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!hasSignature)
        {
            return new(ManifestSignatureStatus.NoSignature, null, $"{ImageManifestPaths.ManifestRelative} is not signed (no {Path.GetFileName(ImageManifestPaths.SignatureRelative)})");
        }

        var check = keys.VerifyDetached(manifest, signature);
        var keyId = check.KeyId?.ToUpperInvariant();
        return check.Status switch
        {
            SignatureStatus.Good => new(ManifestSignatureStatus.Valid, keyId, $"{ImageManifestPaths.ManifestRelative}: good signature by key {keyId}"),
            SignatureStatus.UnknownKey => new(ManifestSignatureStatus.UnknownKey, keyId, $"{ImageManifestPaths.ManifestRelative}: signed by key {keyId}, which is not a trusted key"),
            _ => new(ManifestSignatureStatus.BadSignature, keyId, $"{ImageManifestPaths.ManifestRelative}: bad signature{(keyId is null ? "" : " by key " + keyId)}: {check.Detail}"),
        };
    }

    /// <summary>Reads image.json and image.json.asc below <paramref name="root"/> (a machine's root) and checks them; FileNotFoundException when there is no manifest.</summary>
    /// <remarks>Both files are opened without following a symlink in their last component; the caller's root must be trusted up to usr/lib/keel.</remarks>
    public static ManifestSignatureResult VerifyInRoot(string root, OpenPgpKeyRing keys)
    {
        var manifest = ReadNoFollow(Path.Combine(root, ImageManifestPaths.ManifestRelative))
            ?? throw new FileNotFoundException($"{Path.Combine(root, ImageManifestPaths.ManifestRelative)}: no image manifest");
        var signature = ReadNoFollow(Path.Combine(root, ImageManifestPaths.SignatureRelative));
        return Verify(manifest, signature, signature is not null, keys);
    }

    private static byte[]? ReadNoFollow(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null)
        {
            return null;
        }

        if (info.LinkTarget is not null || info.Length > ImageManifestJson.MaxBytes)
        {
            throw new InvalidDataException($"{path}: a symlink or too large; refusing to read it");
        }

        return File.ReadAllBytes(path);
    }
}
