namespace Keel.Config.Model;

/// <summary>
/// `storage.disk`: a device path, or criteria that must match exactly one disk (for unattended installs). Every given
/// criterion must hold; none given is an error.
/// </summary>
public sealed class DiskSelector
{
    private string? _path;

    /// <summary>A device path (`storage.disk: /dev/sdb`); get-only so the binder never takes it as a mapping key.</summary>
    public string? Path => _path;

    /// <summary>A /dev/disk/by-id name (with or without the directory).</summary>
    public string? ById { get; set; }

    public string? Wwn { get; set; }

    public string? Serial { get; set; }

    /// <summary>The model as sysfs reports it; compared ignoring case and surrounding blanks.</summary>
    public string? Model { get; set; }

    /// <summary>Smallest accepted disk size, e.g. 20GiB.</summary>
    public string? MinSize { get; set; }

    /// <summary>Largest accepted disk size, e.g. 2TiB.</summary>
    public string? MaxSize { get; set; }

    /// <summary>usb, sata, nvme, virtio, scsi, mmc or loop.</summary>
    public string? Transport { get; set; }

    /// <summary>true: only disks without partitions or filesystem signatures.</summary>
    public bool? Empty { get; set; }

    /// <summary>The selector written as a plain path.</summary>
    public static DiskSelector ForPath(string path) => new() { _path = path };

    /// <summary>Whether any selection criterion (not a path) is given.</summary>
    public bool HasCriteria => ById is not null || Wwn is not null || Serial is not null || Model is not null || MinSize is not null
        || MaxSize is not null || Transport is not null || Empty is not null;
}
