using Keel.Tests;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// A USB stick image as a person would bring one: an MBR with one FAT partition (made with sfdisk and mtools, no
/// mounting) holding authorized_keys with a key pair made by ssh-keygen and one broken line. The image is read back
/// with mtools too (the saved config).
/// </summary>
internal sealed class InteractiveUsbStick
{
    /// <summary>The FAT partition starts 1 MiB into the stick, as partitioning tools place it.</summary>
    private const string PartitionOffset = "@@1M";

    /// <summary>A line that looks like a key and is not one: the installer must show it and refuse to import it.</summary>
    public const string BrokenLine = "ssh-ed25519 AAAAthis-is-not-base64!! broken@keel-e2e";

    public const string Label = "KEYS";

    private InteractiveUsbStick(string image, string privateKey, string publicKey)
    {
        Image = image;
        PrivateKey = privateKey;
        PublicKey = publicKey;
    }

    /// <summary>The stick's image (raw, 64 MiB).</summary>
    public string Image { get; }

    /// <summary>The private key file whose public half is on the stick.</summary>
    public string PrivateKey { get; }

    /// <summary>The public key line as ssh-keygen wrote it.</summary>
    public string PublicKey { get; }

    /// <summary>Generates the key pair in <paramref name="directory"/> and writes the stick's image there.</summary>
    public static InteractiveUsbStick Create(string directory, string comment)
    {
        var key = Path.Combine(directory, "id_ed25519");
        SnapshotRepository.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key);
        var publicKey = File.ReadAllText(key + ".pub").Trim();

        var authorizedKeys = Path.Combine(directory, "authorized_keys");
        File.WriteAllText(authorizedKeys, $"# keys for the new machine\n{publicKey}\n{BrokenLine}\n");

        var image = Path.Combine(directory, "usb-keys.raw");
        using (var file = File.Create(image))
        {
            file.SetLength(64L << 20);
        }

        InteractiveHostTools.Run("sfdisk", ["--quiet", image], stdin: "label: dos\nstart=2048, type=c\n");
        SnapshotRepository.Run("mformat", "-i", image + PartitionOffset, "-F", "-v", Label, "::");
        SnapshotRepository.Run("mcopy", "-i", image + PartitionOffset, authorizedKeys, "::authorized_keys");
        return new InteractiveUsbStick(image, key, publicKey);
    }

    /// <summary>The files in the stick's root directory.</summary>
    public IReadOnlyList<string> Files() =>
        SnapshotRepository.Run("mdir", "-i", Image + PartitionOffset, "-b", "::")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.StartsWith("::/", StringComparison.Ordinal) ? p[3..] : p)
            .ToList();

    /// <summary>A file's content, read from the image with mtools.</summary>
    public string Read(string name)
    {
        var copy = Path.Combine(Path.GetDirectoryName(Image)!, "read-" + Guid.NewGuid().ToString("N"));
        SnapshotRepository.Run("mcopy", "-n", "-i", Image + PartitionOffset, "::" + name, copy);
        try
        {
            return File.ReadAllText(copy);
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
