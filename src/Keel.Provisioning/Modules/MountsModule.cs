using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Keel.Errors;
using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's mounts (init stage, per instance): /etc/fstab entries from <c>mounts</c> with the missing fields taken
/// from <c>mount_default_fields</c>, each tagged <c>comment=cloudconfig</c> (lines with that tag from an earlier run are
/// replaced), and a swap file from <c>swap</c> created, formatted and added. On the machine itself the result is
/// activated (swapon -a, mount -a, systemctl daemon-reload); a target root gets the files and its own boot mounts them.
/// </summary>
public sealed partial class MountsModule() : CloudConfigModule("mounts", Frequency.PerInstance, Stage.Init)
{
    /// <summary>The tag cloud-init writes into the options of every line it owns.</summary>
    public const string Tag = "comment=cloudconfig";

    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    // cloud-init's systemd default names cloud-init.service, which a Keel system does not have: a mount requiring a
    // missing unit would never be mounted. The init stage runs in keel-agent.service.
    private const string SystemdOptions = "defaults,nofail,x-systemd.requires=keel-agent.service,_netdev";

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var defaults = DefaultFields(context);
        var mounts = ConfigValues.List(context.Config, "mounts", Name);
        var aliases = DeviceNames.Aliases(context.Config, Name);

        var fstab = context.Root.ReadAllTextOrNull("/etc/fstab");
        var kept = new List<string>();
        var removed = new List<string>();
        var fstabDevices = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in fstab is null ? [] : SplitLines(fstab))
        {
            if (line.Contains(Tag, StringComparison.Ordinal))
            {
                removed.Add(line);
                continue;
            }

            fstabDevices.Add(Whitespace().Split(line)[0]);
            kept.Add(line);
        }

        var entries = new List<List<string?>>();
        foreach (var (item, index) in (mounts?.Items ?? []).Select((item, index) => (item, index)))
        {
            if (item is not CloudList fields)
            {
                context.Warnings.Add(new(Severity.Warning, $"mounts.{index}", $"not a list but {item.TypeName}; entry skipped"));
                continue;
            }

            var entry = fields.Items.Select((f, i) => Field(f, $"mounts.{index}.{i}")).ToList();
            if (entry.Count == 0 || entry[0] is null)
            {
                context.Warnings.Add(new(Severity.Warning, $"mounts.{index}", "no device given; entry skipped"));
                continue;
            }

            var start = entry[0]!;
            var resolved = Sanitize(context, start, aliases, $"mounts.{index}");

            // cloud-init 22.4.2 keeps the entry as written when the name resolves to no device here or to one fstab
            // already has (its "ignoring" log line notwithstanding): LABEL=, UUID= and not-yet-attached disks work so.
            if (resolved is not null && !fstabDevices.Contains(resolved))
            {
                entry[0] = resolved;
            }

            entries.Add(entry);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            for (var j = 0; j < defaults.Count; j++)
            {
                if (entry.Count <= j)
                {
                    entry.Add(defaults[j]);
                }
                else
                {
                    entry[j] ??= defaults[j];
                }
            }

            // A null mount point removes every earlier entry of the same device.
            if (entry.Count > 1 && entry[1] is null)
            {
                foreach (var earlier in entries.Take(i).Where(e => e[0] == entry[0]))
                {
                    earlier[1] = null;
                }
            }
        }

        // cloud-init's default mounts (ephemeral0 on /mnt, the metadata's swap) name devices only a cloud's metadata maps;
        // no keel-agent datasource maps them, so (as cloud-init with NoCloud) they resolve to nothing and are not added.
        var actions = entries.Where(e => e.Count > 1 && e[1] is not null).ToList();

        var failures = new List<string>();
        string? swapFile = null;
        try
        {
            swapFile = SetupSwap(context);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            failures.Add("swap: " + ex.Message);
        }

        if (swapFile is not null)
        {
            actions.Add([swapFile, "none", "swap", "sw", "0", "0"]);
        }

        if (actions.Count == 0)
        {
            context.Log.WriteLine("mounts: no modifications to fstab needed");
            return failures.Count > 0 ? throw new IOException(string.Join("; ", failures)) : ModuleOutcome.NothingToDo;
        }

        var lines = new List<string>();
        var needSwap = false;
        var directories = new List<string>();
        foreach (var entry in actions)
        {
            var missing = entry.FindIndex(f => f is null);
            if (missing >= 0)
            {
                throw new InvalidDataException($"mounts: entry for {entry[0]}: field {missing + 1} has no value and mount_default_fields gives none");
            }

            entry[3] = entry[3] + "," + Tag;
            needSwap |= entry[2] == "swap";
            if (entry[1]!.StartsWith('/'))
            {
                directories.Add(entry[1]!);
            }

            lines.Add(string.Join('\t', entry));
        }

        var needMountAll = false;
        var mountPoints = context.Root.IsHostRoot ? File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 1).Select(f => f[1]).ToHashSet(StringComparer.Ordinal) : [];
        foreach (var directory in directories)
        {
            try
            {
                context.Root.CreateDirectory(ConfigPathCheck.Absolute(directory, "mounts"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                context.Warnings.Add(new(Severity.Warning, "mounts", $"cannot make mount point {directory}: {ex.Message}"));
            }

            needMountAll |= !mountPoints.Contains(directory);
        }

        var adds = lines.Select(l => Whitespace().Replace(l, " ")).ToList();
        var drops = removed.Select(l => Whitespace().Replace(l, " ")).ToList();
        var changed = drops.Any(d => !adds.Contains(d)) || adds.Any(a => !drops.Contains(a));
        needMountAll |= changed;

        context.Root.WriteText("/etc/fstab", string.Join('\n', kept.Concat(lines)) + "\n", (UnixFileMode)0x1a4);
        context.Log.WriteLine($"mounts: /etc/fstab: {lines.Count} line(s) tagged {Tag}{(changed ? "" : ", unchanged")}");

        if (context.Root.IsHostRoot)
        {
            var commands = new List<string[]>();
            if (needSwap)
            {
                commands.Add(["swapon", "-a"]);
            }

            if (needMountAll)
            {
                commands.Add(["mount", "-a"]);
                commands.Add(["systemctl", "daemon-reload"]);
            }

            foreach (var command in commands)
            {
                try
                {
                    RootCommand.Run(context, command);
                }
                catch (IOException ex)
                {
                    // cloud-init warns and goes on: an entry that cannot be mounted now (a disk attached later) is no error.
                    context.Warnings.Add(new(Severity.Warning, "mounts", "activating: " + ex.Message));
                }
            }
        }

        return failures.Count > 0 ? throw new IOException(string.Join("; ", failures)) : ModuleOutcome.Done;
    }

    private static List<string?> DefaultFields(ModuleContext context)
    {
        if (ConfigValues.List(context.Config, "mount_default_fields", "mounts") is { } list)
        {
            return list.Items.Select((f, i) => Field(f, $"mount_default_fields.{i}")).ToList();
        }

        return [null, null, "auto", SystemdOptions, "0", "2"];
    }

    // cloud-init str()s every field except None, so numbers and booleans are written as Python prints them.
    private static string? Field(CloudNode node, string where) => node switch
    {
        CloudScalar { IsNull: true } => null,
        CloudScalar { Kind: ScalarKind.Boolean } b => b.Text.Equals("true", StringComparison.OrdinalIgnoreCase) ? "True" : "False",
        CloudScalar s => s.Text,
        _ => throw new InvalidDataException($"{where} (line {node.Line}): must be a string or a number, not {node.TypeName}"),
    };

    private static IEnumerable<string> SplitLines(string text)
    {
        // Python's str.splitlines: no empty last line for a trailing newline.
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    /// <summary>
    /// cloud-init's sanitize_devname: the device (or its first or named partition) that a mounts entry's first field
    /// names, or null when it names nothing attached to this machine. Network sources ("server:/path") are kept.
    /// </summary>
    private static string? Sanitize(ModuleContext context, string start, IReadOnlyDictionary<string, string> aliases, string where)
    {
        var name = start == "ephemeral" ? "ephemeral0" : start;
        if (NetworkName().IsMatch(start))
        {
            return start;
        }

        var (device, partition) = DeviceNames.SplitDotted(name);
        device = aliases.GetValueOrDefault(device, device);
        if (DeviceNames.IsMetadataName(device))
        {
            context.Warnings.Add(new(Severity.Warning, where, $"'{start}' names a cloud metadata device, which keel-agent's datasources do not map; written to fstab as given"));
            return null;
        }

        if (ShortDeviceName().IsMatch(start))
        {
            device = "/dev/" + device;
        }

        var partitionPath = DeviceNames.NthPartition(device, partition ?? "1");
        if (partition is not null && partitionPath is null)
        {
            return null;
        }

        return DeviceNames.IsBlockDevice(device, partitionPath) ? partitionPath ?? device : null;
    }

    /// <summary>cloud-init's handle_swapcfg: the swap file to add to fstab (made now if need be), or null for none.</summary>
    private static string? SetupSwap(ModuleContext context)
    {
        if (context.Config["swap"] is not { } node || node is CloudScalar { IsNull: true })
        {
            return null;
        }

        if (node is not CloudMap swap)
        {
            context.Warnings.Add(new(Severity.Warning, "swap", $"must be a mapping, not {node.TypeName}; no swap file"));
            return null;
        }

        var file = ConfigValues.Text(swap, "filename", "swap") ?? "/swap.img";
        var sizeText = ConfigValues.Text(swap, "size", "swap") ?? "0";
        var maxText = ConfigValues.Text(swap, "maxsize", "swap");
        if (sizeText is "0" or "" || file.Length == 0)
        {
            return null;
        }

        ConfigPathCheck.Absolute(file, "swap.filename");
        if (context.Root.Exists(file))
        {
            // On the machine itself a file that is not in use yet is made again (cloud-init's check); in a target root
            // the running kernel's swaps say nothing about it, so an existing file is kept, as cloud-init does without /proc/swaps.
            if (!context.Root.IsHostRoot || File.ReadLines("/proc/swaps").Any(l => l.StartsWith(file + " ", StringComparison.Ordinal)))
            {
                context.Log.WriteLine($"mounts: swap file {file} already exists; kept");
                return file;
            }
        }

        long? max = maxText is null ? null : HumanToBytes(maxText, "swap.maxsize");
        var directory = Path.GetDirectoryName(file) ?? "/";
        var hostDirectory = context.Root.CreateDirectory(directory);
        long size;
        if (sizeText.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            var memory = MemoryTotal();
            var free = new DriveInfo(hostDirectory).TotalFreeSpace;
            size = SuggestedSwapSize(memory, max, free);
        }
        else
        {
            size = HumanToBytes(sizeText, "swap.size");
        }

        var mib = size / MiB;
        if (size == 0)
        {
            context.Log.WriteLine("mounts: not creating swap: suggested size was 0");
            return null;
        }

        CreateSwapFile(context, file, mib);
        context.Log.WriteLine($"mounts: swap file {file}: {mib} MiB");
        return file;
    }

    private static void CreateSwapFile(ModuleContext context, string file, long mib)
    {
        // The link itself, never its target: the file is made where the path names it, inside the root.
        var host = context.Root.Resolve(file, followFinal: false);
        context.Root.DeleteFile(file);

        // O_EXCL with mode 0600 from the start: the file is never readable by others, and a symlink put in its place
        // fails the create instead of being followed.
        using (new FileStream(host, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
        }

        try
        {
            var size = mib.ToString(CultureInfo.InvariantCulture);
            var fallocate = ToolLookup.Find("fallocate");
            var allocated = false;
            if (fallocate is not null)
            {
                var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = context.Options.ScriptTimeout }, fallocate, ["-l", size + "M", host], context.Cancellation);
                allocated = result.ExitCode == 0;
                if (!allocated)
                {
                    context.Log.WriteLine($"mounts: fallocate {file} failed ({result.LastErrorLine}); writing zeros instead");
                }
            }

            if (!allocated)
            {
                // A swap file must have no holes, so without fallocate every block is written (cloud-init's dd).
                WriteZeros(host, mib * MiB, context.Cancellation);
            }

            File.SetUnixFileMode(host, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var mkswap = ToolLookup.Find("mkswap") ?? throw new IOException("mkswap (util-linux) is not installed");
            ModuleCommand.Run(context, $"mkswap {file}", mkswap, [host]);
        }
        catch
        {
            File.Delete(host);
            throw;
        }
    }

    private static void WriteZeros(string host, long bytes, CancellationToken cancellation)
    {
        var block = new byte[MiB];
        using var stream = new FileStream(host, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write });
        for (long written = 0; written < bytes; written += MiB)
        {
            cancellation.ThrowIfCancellationRequested();
            stream.Write(block);
        }

        stream.Flush(flushToDisk: true);
    }

    private static long MemoryTotal()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>cloud-init's suggested_swapsize for a swap file on a filesystem with <paramref name="free"/> bytes free.</summary>
    public static long SuggestedSwapSize(long memory, long? max, long free)
    {
        var suggestedMax = memory * 2;
        var limit = max is null ? Math.Min(free / 4, suggestedMax) : max.Value > free * 0.9 ? (long)(free * 0.9) : max.Value;
        var minimum = memory < 4 * GiB ? memory : memory < 16 * GiB ? 4 * GiB : (long)Math.Round(Math.Sqrt((double)memory / GiB), MidpointRounding.ToEven) * GiB;
        return Math.Min(minimum, limit);
    }

    /// <summary>cloud-init's human2bytes: "10M", ".5G", "512K", "1073741824" (an optional trailing B) in bytes.</summary>
    public static long HumanToBytes(string text, string where)
    {
        var size = text.EndsWith('B') ? text[..^1] : text;
        long multiplier = 1;
        foreach (var (suffix, value) in new[] { ('K', 1L << 10), ('M', MiB), ('G', GiB), ('T', 1L << 40) })
        {
            if (size.EndsWith(suffix))
            {
                multiplier = value;
                size = size[..^1];
            }
        }

        if (!double.TryParse(size, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || double.IsNaN(number) || double.IsInfinity(number))
        {
            throw new InvalidDataException($"{where}: '{text}' is not a size (e.g. 2G, 512M)");
        }

        return number < 0 ? throw new InvalidDataException($"{where}: '{text}' cannot be negative") : (long)(number * multiplier);
    }

    [GeneratedRegex(@"^.+:.*", RegexOptions.Singleline)]
    private static partial Regex NetworkName();

    [GeneratedRegex(@"^([x]{0,1}[shv]d[a-z][0-9]*|sr[0-9]+)$")]
    private static partial Regex ShortDeviceName();

    [GeneratedRegex(@"[ \t\n\r\f\v]+")]
    private static partial Regex Whitespace();
}

/// <summary>How cloud-init's disk modules name devices: dotted partition suffixes, device_aliases, metadata names, sysfs checks.</summary>
internal static class DeviceNames
{
    /// <summary>The <c>device_aliases</c> mapping (alias to device path).</summary>
    public static IReadOnlyDictionary<string, string> Aliases(CloudMap config, string where)
    {
        var map = ConfigValues.Map(config, "device_aliases", where);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, value) in map?.Entries ?? [])
        {
            result[alias] = value is CloudScalar { IsNull: false } s ? s.Text : throw new InvalidDataException($"device_aliases.{alias} (line {value.Line}): must be a device path");
        }

        return result;
    }

    /// <summary>cloud-init's expand_dotted_devname: "sdb.1" is partition 1 of sdb (split at the last dot).</summary>
    public static (string Device, string? Partition) SplitDotted(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? (name, null) : (name[..dot], name[(dot + 1)..]);
    }

    /// <summary>Names only a cloud's metadata maps to a device (ami, root, swap, ephemeralN, ebsN).</summary>
    public static bool IsMetadataName(string name) =>
        name is "ami" or "root" or "swap" || ((name.StartsWith("ephemeral", StringComparison.Ordinal) || name.StartsWith("ebs", StringComparison.Ordinal)) && !name.Contains(':', StringComparison.Ordinal));

    /// <summary>The existing partition device of <paramref name="device"/>: N, pN or -partN appended, or null.</summary>
    public static string? NthPartition(string device, string number) =>
        new[] { number, "p" + number, "-part" + number }.Select(s => device + s).FirstOrDefault(Path.Exists);

    /// <summary>Whether sysfs knows the disk (and partition) behind the names, links resolved as realpath does.</summary>
    public static bool IsBlockDevice(string device, string? partition)
    {
        var sys = Path.Combine("/sys/block", RealName(device));
        if (partition is not null)
        {
            sys = Path.Combine(sys, RealName(partition));
        }

        return Path.Exists(sys);
    }

    /// <summary>The last component of the path with its links resolved (the kernel name behind /dev/disk/by-* links).</summary>
    public static string RealName(string path)
    {
        var full = Path.GetFullPath(path);
        var target = File.Exists(full) || Directory.Exists(full) ? new FileInfo(full).ResolveLinkTarget(true)?.FullName ?? full : full;
        return Path.GetFileName(target);
    }
}
