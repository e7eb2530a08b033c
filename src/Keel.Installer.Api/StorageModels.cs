namespace Keel.Installer.Api;

/// <summary>How the disk is laid out.</summary>
public enum LayoutMode
{
    /// <summary>The whole disk with the distribution's default layout.</summary>
    Guided,

    /// <summary>The partitions the user edited.</summary>
    Custom,
}

/// <summary>
/// Screen 7: the target disk (its path or by-id name), the layout and encryption. The passphrase is sent twice so the
/// service says when they differ; it is kept only in the session's memory, never in a saved config or log.
/// </summary>
public sealed record StorageSettings(
    string Disk,
    LayoutMode Mode,
    bool Encrypt,
    string? Passphrase = null,
    string? PassphraseAgain = null,
    IReadOnlyList<PartitionSpec>? Partitions = null);

/// <summary>A partition as the custom editor edits it: sizes as the config writes them (512MiB, 20%), one partition grows.</summary>
public sealed record PartitionSpec(string? Label, string? MountPoint, string? Size, bool Grow, string Fs);

/// <summary>
/// The service's answer to a layout: each partition with its computed size and its role in one sentence, whether the
/// layout will boot, every reason it will not (<see cref="Problems"/>), and field errors.
/// </summary>
public sealed record LayoutProposal(
    IReadOnlyList<ProposedPartition> Partitions,
    bool Boots,
    IReadOnlyList<string> Problems,
    IReadOnlyList<FieldError> Errors);

/// <summary>One partition of a proposal, e.g. role "EFI system partition: the firmware loads the boot loader from here; 512 MiB, vfat".</summary>
public sealed record ProposedPartition(string Label, string? MountPoint, long SizeBytes, string Fs, bool Encrypted, string Role);
