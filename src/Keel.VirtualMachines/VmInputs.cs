namespace Keel.VirtualMachines;

/// <summary>A disk attached to the guest: the file and the format qemu is told (never left to probe).</summary>
public sealed record VmDisk(string Path, DiskImageFormat Format);

/// <summary>
/// The files a run reads or writes, checked before anything is created or started: each exists and is a regular file of
/// the right kind, and no file is given twice (a disk attached twice, or the boot image also an install target, would
/// be written through two caches and corrupted).
/// </summary>
public sealed record VmInputs(VmDisk? Image, string? Cdrom, VmDisk? Usb, IReadOnlyList<VmDisk> Disks, string? FirmwareVars)
{
    /// <summary>Checks the files named by <paramref name="options"/>; FileNotFoundException for a missing one, ArgumentException or InvalidDataException for the wrong kind, one line each.</summary>
    public static VmInputs Check(VmRunOptions options)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);

        VmDisk? image = null;
        if (options.ImagePath is { } imagePath)
        {
            var path = Existing("IMAGE", imagePath, seen, "an image file");
            image = new VmDisk(path, DiskImageProbe.Detect(path));
        }

        string? cdrom = null;
        if (options.CdromPath is { } cdromPath)
        {
            cdrom = Existing("--cdrom", cdromPath, seen, "an ISO image");
            if (!DiskImageProbe.IsOpticalImage(cdrom))
            {
                throw new InvalidDataException($"--cdrom {cdromPath}: not an ISO 9660 image (no CD001 volume descriptor at 32 KiB)");
            }
        }

        VmDisk? usb = null;
        if (options.UsbPath is { } usbPath)
        {
            var path = Existing("--usb", usbPath, seen, "a disk image");
            usb = new VmDisk(path, Detect("--usb", usbPath, path));
        }

        List<VmDisk> disks = [];
        foreach (var diskPath in options.Disks)
        {
            var path = Existing("--disk", diskPath, seen, "a disk file");
            if (new FileInfo(path).Length == 0)
            {
                throw new ArgumentException($"--disk {diskPath}: the file is empty; give it a size first (truncate -s 8G {diskPath})");
            }

            disks.Add(new VmDisk(path, DiskImageProbe.DetectWritable(path)));
        }

        string? vars = null;
        if (options.FirmwareVarsPath is { } varsPath)
        {
            // A missing store is made from the firmware's template on the first run; only its directory must exist.
            vars = File.Exists(varsPath) || Directory.Exists(varsPath)
                ? Existing("--firmware-vars", varsPath, seen, "a variable store file")
                : Path.GetFullPath(varsPath);
            if (!File.Exists(vars) && !Directory.Exists(Path.GetDirectoryName(vars)))
            {
                throw new FileNotFoundException($"--firmware-vars {varsPath}: directory {Path.GetDirectoryName(vars)} not found");
            }
        }

        return new VmInputs(image, cdrom, usb, disks, vars);
    }

    private static DiskImageFormat Detect(string option, string given, string path)
    {
        try
        {
            return DiskImageProbe.Detect(path);
        }
        catch (InvalidDataException)
        {
            throw new InvalidDataException($"{option} {given}: not a disk image (no GPT or MBR partition table, and not qcow2, VHD or VHDX)");
        }
    }

    /// <summary>The canonical path of an existing regular file, remembered so that a second option naming it is refused.</summary>
    private static string Existing(string option, string given, Dictionary<string, string> seen, string what)
    {
        var label = option == "IMAGE" ? given : $"{option} {given}";
        if (Directory.Exists(given))
        {
            throw new ArgumentException($"{label}: is a directory, not {what}");
        }

        if (!File.Exists(given))
        {
            throw new FileNotFoundException($"{label}: no such file");
        }

        var path = NativeMethods.CanonicalPath(given) ?? Path.GetFullPath(given);
        // Device nodes are refused: a VM must not be handed a host disk by a typo. (.NET has no S_ISREG; they live here.)
        if (path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/proc/", StringComparison.Ordinal) || path.StartsWith("/sys/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{label}: not a regular file ({path})");
        }

        if (seen.TryGetValue(path, out var first))
        {
            throw new ArgumentException($"{label}: the same file as {first}; a file can be attached only once");
        }

        seen[path] = label;
        return path;
    }
}
