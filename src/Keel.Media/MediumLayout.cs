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
