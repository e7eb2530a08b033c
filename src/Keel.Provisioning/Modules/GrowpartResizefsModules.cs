using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's growpart (init stage, every boot): grows the partition behind each of <c>growpart.devices</c> (default
/// <c>["/"]</c>, mode <c>auto</c> even without a <c>growpart</c> key, as cloud-init) to the end of its disk with cloud-utils'
/// growpart. A mount point is looked up inside the root being provisioned, so a target root that is not itself a mount
/// point (a directory tree being built) has nothing to grow; "/dev/..." entries are host devices.
/// </summary>
public sealed class GrowpartModule() : CloudConfigModule("growpart", Frequency.Always, Stage.Init)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var config = context.Config["growpart"] switch
        {
            null => CloudMap.Empty,
            CloudMap m => m,
            var other => throw ConfigValues.WrongType(Name, "growpart", other, "a mapping"),
        };
        var mode = config["mode"] is CloudScalar s && !s.IsNull ? s.Text : "auto";
        if (mode is "off" || config["mode"] is CloudScalar { Kind: ScalarKind.Boolean, Text: "false" })
        {
            return ModuleOutcome.NothingToDo;
        }

        if (mode is not ("auto" or "growpart"))
        {
            throw new InvalidDataException(mode == "gpart"
                ? "growpart.mode gpart is FreeBSD's resizer; on Linux use auto or growpart"
                : $"growpart.mode '{mode}': expected auto, growpart or off");
        }

        if (!config.GetBool("ignore_growroot_disabled", false) && context.Root.Exists("/etc/growroot-disabled"))
        {
            context.Log.WriteLine("growpart: disabled by /etc/growroot-disabled");
            return ModuleOutcome.NothingToDo;
        }

        var devices = ConfigValues.List(config, "devices", Name)?.Items.Select(i => (i as CloudScalar)?.Text ?? throw new InvalidDataException($"growpart.devices (line {i.Line}): entries must be strings")).ToList()
            ?? ["/"];
        if (devices.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        var growpart = ToolLookup.Find("growpart");
        if (growpart is null)
        {
            // cloud-init's auto mode quietly does nothing without a resizer. keel-agent warns when the config asked for
            // growpart; with no growpart key (the every-boot default) an image without cloud-utils-growpart has simply
            // not opted in, so the log says it and the status stays done.
            if (mode == "auto")
            {
                const string Missing = "growpart (cloud-utils-growpart) is not installed; nothing grown";
                if (context.Config["growpart"] is null)
                {
                    context.Log.WriteLine("growpart: " + Missing);
                }
                else
                {
                    context.Warnings.Add(new(Keel.Errors.Severity.Warning, "growpart", Missing));
                }

                return ModuleOutcome.NothingToDo;
            }

            throw new IOException("growpart.mode growpart: the growpart program (cloud-utils-growpart) is not installed");
        }

        var grown = 0;
        var failures = new List<string>();
        foreach (var entry in devices)
        {
            var partition = PartitionOf(context, entry);
            if (partition is null)
            {
                continue;
            }

            try
            {
                grown += Grow(context, growpart, entry, partition) ? 1 : 0;
            }
            catch (IOException ex)
            {
                failures.Add(ex.Message);
            }
        }

        // cloud-init only logs a failed resize at debug level; keel-agent fails the module so the status shows it.
        return failures.Count > 0 ? throw new IOException(string.Join("; ", failures)) : grown > 0 ? ModuleOutcome.Done : ModuleOutcome.NothingToDo;
    }

    private static BlockDevice? PartitionOf(ModuleContext context, string entry)
    {
        BlockDevice? device;
        if (entry.StartsWith("/dev/", StringComparison.Ordinal))
        {
            var info = new FileInfo(entry);
            var real = info.Exists ? info.ResolveLinkTarget(true)?.FullName ?? entry : entry;
            var name = Path.GetFileName(real);
            var dev = $"/sys/class/block/{name}/dev";
            if (!File.Exists(dev))
            {
                context.Log.WriteLine($"growpart: {entry}: no such block device; skipped");
                return null;
            }

            var numbers = File.ReadAllText(dev).Trim().Split(':');
            device = MountedDevices.Device(int.Parse(numbers[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(numbers[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            var mount = MountedDevices.MountAt(context.Root.Resolve(ConfigPathCheck.Absolute(entry, "growpart.devices")));
            if (mount is null)
            {
                context.Log.WriteLine($"growpart: {entry}: not a mount point in {context.Root.RootPath}; skipped");
                return null;
            }

            device = MountedDevices.Device(mount.Major, mount.Minor);
        }

        if (device?.PartitionNumber is null || device.DiskDevPath is null)
        {
            // A whole disk, a mapped device (LVM, LUKS) or no block device at all (overlay, tmpfs): cloud-init skips these too.
            context.Log.WriteLine($"growpart: {entry}: {(device is null ? "not on a block device" : device.DevPath + " is not a partition")}; skipped");
            return null;
        }

        return device;
    }

    private static bool Grow(ModuleContext context, string growpart, string entry, BlockDevice partition)
    {
        var number = partition.PartitionNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string> { ["LANG"] = "C" };
        var dryRun = ToolRunner.Run(new ToolOptions { Environment = environment, AllowFailure = true, Timeout = context.Options.ScriptTimeout }, growpart, ["--dry-run", partition.DiskDevPath!, number], context.Cancellation);
        if (dryRun.ExitCode == 1)
        {
            // growpart's "NOCHANGE": the partition already ends where it can.
            context.Log.WriteLine($"growpart: {entry}: {partition.DevPath} already fills its disk");
            return false;
        }

        if (dryRun.ExitCode != 0)
        {
            throw new IOException($"growpart --dry-run {partition.DiskDevPath} {number}: exited with status {dryRun.ExitCode}{(dryRun.LastErrorLine is { } l ? ": " + l : "")}");
        }

        ModuleCommand.Run(context, $"growpart {partition.DiskDevPath} {number}", growpart, [partition.DiskDevPath!, number], environment);
        context.Log.WriteLine($"growpart: {entry}: {partition.DevPath} grown from {partition.SizeBytes} to {MountedDevices.SizeOf(partition.Name)} bytes");
        return true;
    }
}

/// <summary>
/// cloud-init's resizefs (init stage, every boot, after growpart): grows the root's filesystem to its device with the
/// filesystem's own tool (resize2fs, xfs_growfs, btrfs). <c>resize_rootfs: false</c> turns it off; <c>noblock</c> is
/// run in the foreground (cloud-init forks it), so the status shows whether it worked.
/// </summary>
public sealed class ResizefsModule() : CloudConfigModule("resizefs", Frequency.Always, Stage.Init)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var value = context.Config["resize_rootfs"];
        if (value is CloudScalar scalar && !scalar.IsNull && scalar.Text != "noblock" && !context.Config.GetBool("resize_rootfs", true))
        {
            return ModuleOutcome.NothingToDo;
        }

        var mountPoint = context.Root.Resolve("/");
        var mount = MountedDevices.MountAt(mountPoint);
        if (mount is null)
        {
            context.Log.WriteLine($"resizefs: {context.Root.RootPath} is not a mount point; nothing to resize");
            return ModuleOutcome.NothingToDo;
        }

        var device = MountedDevices.Device(mount.Major, mount.Minor);
        if (device is null)
        {
            context.Log.WriteLine($"resizefs: {mountPoint} ({mount.FsType}) is not on a block device; nothing to resize");
            return ModuleOutcome.NothingToDo;
        }

        var fs = mount.FsType.ToLowerInvariant();
        (string Tool, string[] Arguments)? command = fs switch
        {
            _ when fs.StartsWith("ext", StringComparison.Ordinal) => ("resize2fs", [device.DevPath]),
            "xfs" => ("xfs_growfs", [mountPoint]),
            "btrfs" => ("btrfs", ["filesystem", "resize", "max", mountPoint]),
            _ => null,
        };
        if (command is null)
        {
            context.Warnings.Add(new(Keel.Errors.Severity.Warning, "resizefs", $"not resizing unknown filesystem type {mount.FsType} on {device.DevPath}"));
            return ModuleOutcome.NothingToDo;
        }

        var (tool, arguments) = command.Value;
        var program = ToolLookup.Find(tool);
        if (program is null)
        {
            // cloud-init logs a failed resize and goes on. Without a resize_rootfs key (the every-boot default) an image
            // that did not install the filesystem's tools has not opted in: a log line. A config that asks gets a warning.
            var missing = $"{tool} is not installed; {mount.FsType} on {device.DevPath} not resized";
            if (value is null)
            {
                context.Log.WriteLine("resizefs: " + missing);
            }
            else
            {
                context.Warnings.Add(new(Keel.Errors.Severity.Warning, "resizefs", missing));
            }

            return ModuleOutcome.NothingToDo;
        }

        ModuleCommand.Run(context, $"{tool} {string.Join(' ', arguments)}", program, arguments);
        context.Log.WriteLine($"resizefs: {mount.FsType} on {device.DevPath} grown to its device ({device.SizeBytes} bytes)");
        return ModuleOutcome.Done;
    }
}
