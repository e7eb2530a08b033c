using Keel.Config.Model;
using Keel.Config.Validation;

namespace Keel.Installer.Service.Session.Storage;

/// <summary>Each partition's role in one sentence, for people who have never laid out a disk: what it is for, then its size and filesystem.</summary>
public static class PartitionRoleText
{
    /// <summary>E.g. "EFI system partition: the firmware loads the boot loader from here; 512 MiB, vfat".</summary>
    public static string Describe(PartitionConfig partition, long sizeBytes, bool encrypted)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var what = PartitionRoles.Of(partition) switch
        {
            PartitionRole.Esp => "EFI system partition: the firmware loads the boot loader from here",
            PartitionRole.Xbootldr => "Boot partition: the kernels and boot loader entries live here",
            PartitionRole.Root => "Root filesystem: the operating system and everything not on another partition",
            PartitionRole.Home => "Home directories: the users' own files, kept apart from the system",
            PartitionRole.Var => "Variable data: logs, caches, container images and databases",
            PartitionRole.Swap => "Swap: where the kernel moves memory pages out of RAM under pressure",
            _ => $"Data partition mounted at {partition.MountPoint ?? "(no mount point)"}",
        };
        var size = sizeBytes > 0 ? ByteSize.Format(sizeBytes) : partition.Size ?? "?";
        var fs = Keel.Config.Loading.ConfigNames.EnumValue(partition.Fs);
        return $"{what}; {size}{(partition.Grow ? " (grows to fill the disk)" : "")}, {fs}{(encrypted ? ", encrypted with LUKS2" : "")}";
    }
}
