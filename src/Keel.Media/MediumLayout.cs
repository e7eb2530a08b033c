namespace Keel.Media;

/// <summary>Where things sit on an installer medium (paths relative to the ISO 9660 root, '/'-separated).</summary>
public static class MediumLayout
{
    /// <summary>The signed list of every file: "SHA256  SIZE  PATH" lines.</summary>
    public const string Manifest = "keel/manifest";

    /// <summary>The manifest's detached, armored OpenPGP signature.</summary>
    public const string ManifestSignature = "keel/manifest.asc";

    /// <summary>What the medium is (<see cref="MediumInfo"/> as JSON); listed in the manifest.</summary>
    public const string Info = "keel/medium.json";

    /// <summary>The directory of the offline repository (repodata/ and Packages/).</summary>
    public const string Repository = "repo";

    /// <summary>The live root image when it is a squashfs or erofs file.</summary>
    public const string LiveRootDirectory = "LiveOS";

    /// <summary>The squashfs live root (dracut dmsquash-live's default name).</summary>
    public const string SquashfsImage = "LiveOS/squashfs.img";

    /// <summary>The erofs live root (named on the command line with rd.live.squashimg=).</summary>
    public const string ErofsImage = "LiveOS/rootfs.erofs";

    /// <summary>The public keys the medium carries: the carried repositories' package keys and the medium's own signing key.</summary>
    public const string KeysDirectory = "keel/keys";

    /// <summary>The public half of the key that signed the manifest and the offline repository's repodata.</summary>
    public const string SigningKey = "keel/keys/medium-signing-key.asc";

    /// <summary>"SHA256  SIZE" of the ESP image appended as GPT partition 2 (the UKI lives there, outside the ISO tree).</summary>
    public const string EspDigest = "keel/esp.sha256";

    /// <summary>Extra installer arguments added by `keel media customize --cmdline` (the UKI's own command line is sealed).</summary>
    public const string CustomCommandLine = "keel/custom/cmdline";

    /// <summary>Beside the ISO: sha256sum -c lines naming the ISO's file name, and their armored detached signature.</summary>
    public const string Sha256Sums = "SHA256SUMS";

    /// <summary>The signature of <see cref="Sha256Sums"/>.</summary>
    public const string Sha256SumsSignature = "SHA256SUMS.asc";

    /// <summary>Inside the live root: what the medium is (a copy of keel/medium.json, trusted through the UKI).</summary>
    public const string LiveInfoPath = "/etc/keel/medium.json";

    /// <summary>Files added by `keel media customize` after signing: not in the manifest, listed apart by `keel media verify`.</summary>
    public const string CustomDirectory = "keel/custom";

    /// <summary>The unattended config embedded by `keel media customize --config`.</summary>
    public const string CustomConfig = "keel/custom/keel.yaml";

    /// <summary>Inside the live environment: the key that checks the manifest, put there by the initramfs (it travels in the UKI).</summary>
    public const string LiveKeyPath = "/run/keel/medium-key.asc";

    /// <summary>Inside the live initramfs: where the medium key is included from.</summary>
    public const string InitramfsKeyPath = "/etc/keel/medium-key.asc";

    /// <summary>Inside the live initramfs: the SHA-256 of the live root image, checked before it is mounted.</summary>
    public const string InitramfsLiveRootDigestPath = "/etc/keel/live-root.sha256";

    /// <summary>Inside the live environment: where the initramfs mounted the medium.</summary>
    public const string LiveMountPoint = "/run/keel/medium";

    /// <summary>Whether <paramref name="relativePath"/> is outside what the manifest covers (the manifest itself and the customization).</summary>
    public static bool IsUnsigned(string relativePath) =>
        relativePath is Manifest or ManifestSignature || relativePath.StartsWith(CustomDirectory + "/", StringComparison.Ordinal);
}
