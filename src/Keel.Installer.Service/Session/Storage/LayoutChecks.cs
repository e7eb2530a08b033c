using Keel.Config.Model;
using Keel.Config.Validation;

namespace Keel.Installer.Service.Session.Storage;

/// <summary>
/// Why a layout will not boot or not fit, in sentences a person can act on: the checks of the engine's storage rules
/// (an ESP, a root, a filesystem that suits its mount point) said as the partition editor needs them.
/// </summary>
public static class LayoutChecks
{
    /// <summary>Every reason <paramref name="partitions"/> will not boot from a disk of <paramref name="diskBytes"/> (0: unknown).</summary>
    public static List<string> Problems(IReadOnlyList<PartitionConfig> partitions, long diskBytes, long neededBytes)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var problems = new List<string>();
        var espMounts = partitions.Where(p => p.MountPoint is { } m && PartitionRoles.EspMountPoints.Contains(m) && m != "/boot").ToList();
        if (!partitions.Any(p => PartitionRoles.Of(p) == PartitionRole.Esp))
        {
            problems.Add(espMounts.Count > 0
                ? $"the partition at {espMounts[0].MountPoint} is {Fs(espMounts[0])}, but the firmware reads only vfat: make it vfat"
                : "there is no EFI system partition: add a 512 MiB vfat partition at /boot/efi, or the firmware finds no boot loader");
        }

        var root = partitions.FirstOrDefault(p => p.MountPoint == "/");
        if (root is null)
        {
            problems.Add("no partition is mounted at /: the system has nowhere to live");
        }
        else if (root.Fs is FilesystemType.Vfat)
        {
            problems.Add("the root filesystem is vfat, which has no Unix permissions or links: use ext4 or xfs");
        }

        foreach (var p in partitions.Where(p => p.Fs == FilesystemType.Swap && p.MountPoint is not null))
        {
            problems.Add($"swap is not mounted: remove the mount point {p.MountPoint} from the swap partition");
        }

        foreach (var p in partitions.Where(p => p.Fs == FilesystemType.Vfat && p.MountPoint is { } m && m != "/" && !PartitionRoles.EspMountPoints.Contains(m)))
        {
            problems.Add($"{p.MountPoint} is vfat, which suits only the EFI system partition: use ext4 or xfs");
        }

        if (partitions.Count(p => p.Grow) != 1)
        {
            problems.Add(partitions.Any(p => p.Grow) ? "more than one partition grows: only one can take the space left" : "no partition grows into the space left: let the root grow");
        }

        if (diskBytes > 0 && neededBytes > diskBytes)
        {
            problems.Add($"the layout needs {ByteSize.Format(neededBytes)}, the disk has {ByteSize.Format(diskBytes)}");
        }

        return problems;
    }

    private static string Fs(PartitionConfig p) => Keel.Config.Loading.ConfigNames.EnumValue(p.Fs);
}
