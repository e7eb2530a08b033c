using Keel.Config.Model;

namespace Keel.Config.Validation;

/// <summary>The Discoverable Partitions Specification role of a partition, inferred from its mount point and filesystem.</summary>
public enum PartitionRole
{
    Esp,
    Xbootldr,
    Root,
    Home,
    Var,
    Swap,
    Linux,
}

/// <summary>Infers roles: vfat at /boot/efi, /efi or /boot is the ESP; the rest follow their mount point.</summary>
public static class PartitionRoles
{
    /// <summary>Mount points where an ESP may live.</summary>
    public static readonly IReadOnlyList<string> EspMountPoints = ["/boot/efi", "/efi", "/boot"];

    public static PartitionRole Of(PartitionConfig p) => (p.Fs, p.MountPoint) switch
    {
        (FilesystemType.Swap, _) => PartitionRole.Swap,
        (FilesystemType.Vfat, { } m) when EspMountPoints.Contains(m) => PartitionRole.Esp,
        (_, "/boot") => PartitionRole.Xbootldr,
        (_, "/") => PartitionRole.Root,
        (_, "/home") => PartitionRole.Home,
        (_, "/var") => PartitionRole.Var,
        _ => PartitionRole.Linux,
    };

    /// <summary>The GPT partition type GUID for a role on <paramref name="arch"/> (root differs by architecture).</summary>
    public static string TypeGuid(PartitionRole role, MachineArchitecture arch) => role switch
    {
        PartitionRole.Esp => "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
        PartitionRole.Xbootldr => "bc13c2ff-59e6-4262-a352-b275fd6f7172",
        PartitionRole.Root => arch == MachineArchitecture.Aarch64 ? "b921b045-1df0-41c3-af44-4c6f280d3fae" : "4f68bce3-e8cd-4db1-96e7-fbcaf984b709",
        PartitionRole.Home => "933ac7e1-2eb4-4f13-b844-0e14e2aef915",
        PartitionRole.Var => "4d21b016-b534-45c2-a9fb-5c16e091fd2d",
        PartitionRole.Swap => "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f",
        _ => "0fc63daf-8483-4772-8e79-3d69d8477de4",
    };

    /// <summary>The label used when none is given: the role, or the mount point's last component.</summary>
    public static string DefaultLabel(PartitionConfig p) => Of(p) switch
    {
        PartitionRole.Esp => "esp",
        PartitionRole.Xbootldr => "boot",
        PartitionRole.Root => "root",
        PartitionRole.Swap => "swap",
        _ => Path.GetFileName(p.MountPoint?.TrimEnd('/')) is { Length: > 0 } name ? name : "data",
    };
}
