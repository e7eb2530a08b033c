namespace Keel.Config.Model;

/// <summary>The disk layout: GPT partitions and optional root encryption.</summary>
public sealed class StorageConfig
{
    /// <summary>Null: the default layout (<see cref="DefaultLayout"/>).</summary>
    public List<PartitionConfig>? Partitions { get; set; }

    public EncryptionConfig? Encryption { get; set; }

    /// <summary>The disk `keel install --device auto` and `keel plan --device auto` use; null: the device must be given.</summary>
    public DiskSelector? Disk { get; set; }

    /// <summary>The partitions given, or the default layout.</summary>
    public List<PartitionConfig> EffectivePartitions() => Partitions ?? DefaultLayout();

    /// <summary>The layout used when none is given: a 512 MiB ESP at /boot/efi and an ext4 root that takes the rest.</summary>
    public static List<PartitionConfig> DefaultLayout() =>
    [
        new() { Label = "esp", MountPoint = "/boot/efi", Size = "512MiB", Fs = FilesystemType.Vfat },
        new() { Label = "root", MountPoint = "/", Size = "1GiB", Grow = true, Fs = FilesystemType.Ext4 },
    ];
}

/// <summary>One GPT partition.</summary>
public sealed class PartitionConfig
{
    /// <summary>GPT partition name and filesystem label; null: derived from the mount point.</summary>
    public string? Label { get; set; }

    /// <summary>Absolute mount point; none for swap.</summary>
    public string? MountPoint { get; set; }

    /// <summary>Size with a unit (KiB, MiB, GiB, TiB) or a percentage of the disk; for the growing partition, its minimum.</summary>
    public string? Size { get; set; }

    /// <summary>Takes the space left over; exactly one partition grows.</summary>
    public bool Grow { get; set; }

    public FilesystemType Fs { get; set; } = FilesystemType.Ext4;
}

/// <summary>LUKS2 encryption of the root partition.</summary>
public sealed class EncryptionConfig
{
    public EncryptionType Type { get; set; } = EncryptionType.Luks2;

    public string? Passphrase { get; set; }

    /// <summary>A key file, relative to the config file.</summary>
    public string? KeyFile { get; set; }
}
