using Keel.Config.Model;

namespace Keel.Config.Validation;

/// <summary>Checks the disk layout, encryption and output size.</summary>
internal static class StorageRules
{
    public static void Check(ValidationContext cx)
    {
        var config = cx.Loaded.Config;
        var partitions = config.Storage.EffectivePartitions();
        if (config.Storage.Partitions is { Count: 0 })
        {
            cx.Error("storage.partitions", "the partition list is empty", "remove 'partitions' to use the default layout");
            return;
        }

        var mounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var growing = new List<int>();
        int percent = 0;
        for (int i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i];
            var path = $"storage.partitions[{i}]";
            if (p.Grow)
            {
                growing.Add(i);
            }

            if (p.Size is { } size)
            {
                if (ByteSize.TryParse(size, out var error, out var hint) is { } parsed)
                {
                    percent += parsed.Percent;
                    if (parsed.IsPercent && p.Grow)
                    {
                        cx.Error(path + ".size", "a growing partition's size is its minimum and must be absolute", "write e.g. '2GiB'");
                    }
                    else if (!parsed.IsPercent && parsed.Bytes < ByteSize.MiB)
                    {
                        cx.Error(path + ".size", $"'{size}' is smaller than 1 MiB, the partition alignment");
                    }
                }
                else
                {
                    cx.Error(path + ".size", error!, hint);
                }
            }
            else if (!p.Grow)
            {
                cx.Error(path, "a partition needs a 'size' unless it has 'grow: true'");
            }

            CheckMountPoint(cx, p, path, mounts, i);
            CheckLabel(cx, p, path, labels);
        }

        if (percent > 100)
        {
            cx.Error("storage.partitions", $"percentages add up to {percent}%");
        }

        if (growing.Count == 0)
        {
            cx.Error("storage.partitions", "no partition grows into the remaining space", "add 'grow: true' to one partition, usually the root");
        }

        foreach (var extra in growing.Skip(1))
        {
            cx.Error($"storage.partitions[{extra}].grow", $"only one partition may grow; partition {growing[0]} already does");
        }

        var roles = partitions.Select(PartitionRoles.Of).ToList();
        if (!roles.Contains(PartitionRole.Root))
        {
            cx.Error("storage.partitions", "no partition is mounted at /");
        }

        int esp = roles.IndexOf(PartitionRole.Esp);
        if (esp < 0)
        {
            cx.Error("storage.partitions", "UEFI boot needs an EFI system partition", "add a vfat partition at /boot/efi, e.g. size: 512MiB");
        }
        else if (partitions[esp].Size is { } espSize && ByteSize.TryParse(espSize, out _, out _) is { IsPercent: false, Bytes: < 100 * ByteSize.MiB })
        {
            cx.Warn($"storage.partitions[{esp}].size", "an ESP under 100 MiB may not hold the boot loader and kernel images", "512MiB is usual");
        }

        CheckEncryption(cx, partitions);
        CheckDisk(cx);

        if (ByteSize.TryParse(config.Output.Size, out var outError, out var outHint) is { } output)
        {
            if (output.IsPercent)
            {
                cx.Error("output.size", "the image size must be absolute");
            }
        }
        else
        {
            cx.Error("output.size", outError!, outHint);
        }
    }

    private static void CheckMountPoint(ValidationContext cx, PartitionConfig p, string path, Dictionary<string, int> mounts, int index)
    {
        if (p.Fs == FilesystemType.Swap)
        {
            if (p.MountPoint is not null)
            {
                cx.Error(path + ".mountPoint", "swap has no mount point");
            }

            return;
        }

        if (p.MountPoint is not { } mount)
        {
            cx.Error(path, $"a {ConfigNames(p.Fs)} partition needs a 'mountPoint'");
            return;
        }

        if (!mount.StartsWith('/') || mount.Contains("//", StringComparison.Ordinal) || (mount.Length > 1 && mount.EndsWith('/'))
            || mount.Split('/').Any(part => part is "." or ".."))
        {
            cx.Error(path + ".mountPoint", $"'{mount}' is not a normalized absolute path", mount.StartsWith('/') ? null : $"did you mean '/{mount.TrimStart('.', '/')}'?");
        }
        else if (mounts.TryGetValue(mount, out var other))
        {
            cx.Error(path + ".mountPoint", $"'{mount}' is already the mount point of partition {other}");
        }
        else
        {
            mounts[mount] = index;
        }

        if (p.Fs == FilesystemType.Vfat && PartitionRoles.Of(p) != PartitionRole.Esp)
        {
            cx.Warn(path + ".fs", $"vfat at {mount} has no Unix permissions or ownership");
        }
    }

    private static void CheckLabel(ValidationContext cx, PartitionConfig p, string path, HashSet<string> labels)
    {
        var label = p.Label ?? PartitionRoles.DefaultLabel(p);
        int max = p.Fs switch
        {
            FilesystemType.Vfat => 11,
            FilesystemType.Xfs => 12,
            FilesystemType.Ext4 => 16,
            _ => 36,
        };
        if (p.Label is not null && (label.Length > max || label.Length == 0 || label.Any(c => char.IsControl(c) || c == '/')))
        {
            cx.Error(path + ".label", $"label '{label}' does not fit a {ConfigNames(p.Fs)} filesystem label (at most {max} characters, no '/')");
        }
        else if (!labels.Add(label))
        {
            cx.Error(path + (p.Label is null ? "" : ".label"), $"label '{label}' is used twice", "give each partition its own 'label'");
        }
    }

    private static void CheckDisk(ValidationContext cx)
    {
        if (cx.Loaded.Config.Storage.Disk is not { } disk)
        {
            return;
        }

        if (disk.Path is { } path)
        {
            if (!path.StartsWith("/dev/", StringComparison.Ordinal))
            {
                cx.Error("storage.disk", $"'{path}' is not a device path", "write e.g. /dev/disk/by-id/..., or a selector mapping such as {transport: nvme}");
            }

            return;
        }

        if (!disk.HasCriteria)
        {
            cx.Error("storage.disk", "the disk selector has no criteria", "give byId, wwn, serial, model, minSize, maxSize, transport or empty");
        }

        long? min = null;
        foreach (var (key, text) in new[] { ("minSize", disk.MinSize), ("maxSize", disk.MaxSize) })
        {
            if (text is null)
            {
                continue;
            }

            if (ByteSize.TryParse(text, out var error, out var hint) is not { } size)
            {
                cx.Error($"storage.disk.{key}", error!, hint);
            }
            else if (size.IsPercent)
            {
                cx.Error($"storage.disk.{key}", "a disk size must be absolute");
            }
            else if (key == "minSize")
            {
                min = size.Bytes;
            }
            else if (min > size.Bytes)
            {
                cx.Error("storage.disk.maxSize", $"'{text}' is smaller than minSize '{disk.MinSize}'");
            }
        }
    }

    private static void CheckEncryption(ValidationContext cx, List<PartitionConfig> partitions)
    {
        var config = cx.Loaded.Config;
        if (config.Storage.Encryption is not { } enc)
        {
            return;
        }

        if ((enc.Passphrase is null) == (enc.KeyFile is null))
        {
            cx.Error("storage.encryption", "encryption needs exactly one of 'passphrase' and 'keyFile'");
        }
        else if (enc.KeyFile is { } keyFile && !File.Exists(cx.Loaded.Resolve(keyFile)))
        {
            cx.Error("storage.encryption.keyFile", $"key file {cx.Loaded.Resolve(keyFile)} does not exist");
        }
        else if (enc.Passphrase is { Length: < 8 })
        {
            cx.Error("storage.encryption.passphrase", "a LUKS passphrase needs at least 8 characters");
        }
        else if (enc.Passphrase is not null)
        {
            cx.Warn("storage.encryption.passphrase", "the passphrase is stored in the config in plain text", "prefer 'keyFile'");
        }

        if (config.Bootloader == BootloaderType.Grub2 && !partitions.Any(p => PartitionRoles.Of(p) == PartitionRole.Xbootldr))
        {
            cx.Error("storage.encryption", "grub2 with an encrypted root needs a separate /boot partition", "add an ext4 /boot partition or use systemd-boot");
        }
    }

    private static string ConfigNames(FilesystemType fs) => Loading.ConfigNames.EnumValue(fs);
}
