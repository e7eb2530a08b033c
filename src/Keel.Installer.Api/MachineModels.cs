namespace Keel.Installer.Api;

/// <summary>What the service sees of the machine (in dry-run: what its profile describes).</summary>
public sealed record MachineFacts(
    IReadOnlyList<DiskFacts> Disks,
    IReadOnlyList<VolumeFacts> Removable,
    IReadOnlyList<InterfaceFacts> Interfaces,
    string? Hostname);

/// <summary>
/// One whole disk: <see cref="ById"/> is its stable /dev/disk/by-id name, <see cref="ExistingOs"/> the PRETTY_NAME of an
/// operating system found on it, <see cref="Refusals"/> every reason it cannot be the target (it holds the medium, is
/// read-only, is too small for the chosen layout, is in use).
/// </summary>
public sealed record DiskFacts(
    string Path,
    string? ById,
    string? Model,
    long SizeBytes,
    bool Removable,
    string? Transport,
    IReadOnlyList<PartitionFacts> Partitions,
    string? ExistingOs,
    IReadOnlyList<string> Refusals);

/// <summary>A partition on a disk, with what is on it.</summary>
public sealed record PartitionFacts(string Path, long SizeBytes, string? FsType, string? Label);

/// <summary>A filesystem on a removable drive (a USB stick), where keys are looked for and a config can be saved.</summary>
public sealed record VolumeFacts(string Device, string? FsType, string? Label, long SizeBytes, bool Writable);

/// <summary>A network interface with the addresses it has (from DHCP or static).</summary>
public sealed record InterfaceFacts(string Name, string? Mac, bool Up, IReadOnlyList<string> Addresses);
