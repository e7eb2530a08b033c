using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Errors;
using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's disk_setup (init stage, per instance, before mounts): partition tables from <c>disk_setup</c> (GPT with
/// sgdisk, MBR with sfdisk, partitions sized in percent of the disk, the last one taking the rest) and filesystems from
/// <c>fs_setup</c> (mkfs.TYPE with the label), devices named by path or by a <c>device_aliases</c> alias ("data.2" is
/// partition 2 of the alias data). <c>overwrite: false</c> (the default) never touches a disk that has a partition
/// table or a filesystem, nor a partition that has a filesystem. These are the machine's own disks: in a target root
/// other than "/" the module only runs when execution in the root was asked for, and is deferred to its boot otherwise.
/// </summary>
public sealed partial class DiskSetupModule() : CloudConfigModule("disk_setup", Frequency.PerInstance, Stage.Init)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var disks = context.Config["disk_setup"] is CloudScalar { IsNull: true } ? null : context.Config["disk_setup"];
        var filesystems = context.Config["fs_setup"] is CloudScalar { IsNull: true } ? null : context.Config["fs_setup"];
        if (disks is null && filesystems is null)
        {
            return ModuleOutcome.NothingToDo;
        }

        if (!context.CanExecute)
        {
            context.Log.WriteLine($"disk_setup: partitioning and formatting act on the machine's disks; left for the first boot of {context.Root.RootPath} (use --execute to do it now)");
            return ModuleOutcome.Deferred;
        }

        var aliases = DeviceNames.Aliases(context.Config, Name);
        var tools = new Disks(context);
        var failures = new List<string>();
        var changed = false;

        if (disks is CloudMap diskMap)
        {
            foreach (var (disk, definition) in diskMap.Entries)
            {
                if (definition is not CloudMap map)
                {
                    context.Warnings.Add(new(Severity.Warning, $"disk_setup.{disk}", $"not a mapping but {definition.TypeName}; skipped"));
                    continue;
                }

                try
                {
                    changed |= Partition(context, tools, aliases.GetValueOrDefault(disk, disk), map, $"disk_setup.{disk}");
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException)
                {
                    failures.Add($"disk_setup.{disk}: {ex.Message}");
                }
            }
        }
        else if (disks is not null)
        {
            context.Warnings.Add(new(Severity.Warning, "disk_setup", $"must be a mapping of devices, not {disks.TypeName}; ignored"));
        }

        if (filesystems is CloudList fsList)
        {
            foreach (var (definition, index) in fsList.Items.Select((d, i) => (d, i)))
            {
                var where = $"fs_setup.{index}";
                if (definition is not CloudMap map)
                {
                    context.Warnings.Add(new(Severity.Warning, where, $"not a mapping but {definition.TypeName}; skipped"));
                    continue;
                }

                try
                {
                    changed |= MakeFilesystem(context, tools, aliases, map, where);
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException)
                {
                    failures.Add($"{where}: {ex.Message}");
                }
            }
        }
        else if (filesystems is not null)
        {
            context.Warnings.Add(new(Severity.Warning, "fs_setup", $"must be a list, not {filesystems.TypeName}; ignored"));
        }

        // cloud-init only logs a failed operation; keel-agent fails the module so the status names it.
        return failures.Count > 0 ? throw new IOException(string.Join("; ", failures)) : changed ? ModuleOutcome.Done : ModuleOutcome.NothingToDo;
    }

    /// <summary>cloud-init's mkpart: returns whether the disk was changed.</summary>
    private static bool Partition(ModuleContext context, Disks tools, string name, CloudMap definition, string where)
    {
        var layout = definition["layout"];
        var tableType = ConfigValues.Text(definition, "table_type", where) ?? "mbr";
        var overwrite = definition.GetBool("overwrite", false);
        if (layout is null or CloudScalar { IsNull: true } or CloudScalar { Kind: ScalarKind.Boolean, Text: "false" } or CloudList { Items.Count: 0 })
        {
            context.Log.WriteLine($"disk_setup: {name}: no layout; not partitioned");
            return false;
        }

        if (tableType is not ("mbr" or "gpt"))
        {
            throw new InvalidDataException($"table_type '{tableType}': expected mbr or gpt");
        }

        var device = tools.Settle(name);
        if (tools.DeviceType(device) != "disk")
        {
            throw new IOException($"{device} is not a disk device");
        }

        if (layout is CloudScalar { Kind: ScalarKind.String, Text: var text } && text.Equals("remove", StringComparison.OrdinalIgnoreCase))
        {
            tools.Purge(device);
            context.Log.WriteLine($"disk_setup: {device}: partition table and filesystems removed");
            return true;
        }

        var parts = Layout(layout, where);
        if (LayoutMatches(parts, tableType == "gpt" ? tools.GptTypes(device) : tools.MbrTypes(device)))
        {
            context.Log.WriteLine($"disk_setup: {device}: the partition layout already matches");
            return false;
        }

        if (!overwrite && (tools.IsUsed(device) || tools.Filesystem(device).Type is not null))
        {
            context.Log.WriteLine($"disk_setup: {device}: has a partition table or a filesystem; not partitioned without overwrite: true");
            return false;
        }

        var sectors = tools.Sectors(device);
        if (tableType == "gpt")
        {
            tools.WriteGpt(device, GptLayout(sectors, parts));
        }
        else
        {
            tools.WriteMbr(device, MbrLayout(sectors, parts));
        }

        context.Log.WriteLine($"disk_setup: {device}: {tableType} partition table with {(parts is null ? 1 : parts.Count)} partition(s)");
        return true;
    }

    /// <summary>A layout as (percent, type or null) pairs; null for <c>layout: true</c> (one partition over the whole disk).</summary>
    private static List<(double Percent, string? Type)>? Layout(CloudNode layout, string where)
    {
        if (layout is CloudScalar { Kind: ScalarKind.Boolean })
        {
            return null;
        }

        if (layout is not CloudList list)
        {
            throw new InvalidDataException($"{where}.layout (line {layout.Line}): expected true, false, remove or a list of percentages");
        }

        return list.Items.Select(item => item switch
        {
            CloudScalar s when double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => (p, (string?)null),
            CloudList { Items: [CloudScalar size, CloudScalar type] } when double.TryParse(size.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => (p, type.Text),
            _ => throw new InvalidDataException($"{where}.layout (line {item.Line}): partition was incorrectly defined: expected a percentage or [percentage, type]"),
        }).ToList();
    }

    /// <summary>cloud-init's check_partition_layout: the same number of partitions and, where the layout gives one, the same type.</summary>
    public static bool LayoutMatches(IReadOnlyList<(double Percent, string? Type)>? layout, IReadOnlyList<string?> found) =>
        layout is null
            ? found.Count >= 1
            : found.Count == layout.Count && layout.Zip(found).All(p => p.First.Type is null || p.First.Type == p.Second);

    /// <summary>cloud-init's get_partition_gpt_layout: (type, sgdisk size) per partition; "0" is the rest of the disk.</summary>
    public static List<(string? Type, string Size)> GptLayout(double sectors, IReadOnlyList<(double Percent, string? Type)>? layout)
    {
        if (layout is null)
        {
            return [(null, "0")];
        }

        var specs = layout.Select(p => (p.Type, "+" + ((long)(sectors * (p.Percent / 100))).ToString(CultureInfo.InvariantCulture))).ToList();
        specs[^1] = (specs[^1].Type, "0");
        return specs;
    }

    /// <summary>
    /// cloud-init's get_partition_mbr_layout as an sfdisk script: ",SIZE,TYPE" lines (type 83 by default), the last one
    /// ",,TYPE". For <c>layout: true</c> cloud-init writes "0," which sfdisk 2.35 and later refuse; "," means the same.
    /// </summary>
    public static string MbrLayout(double sectors, IReadOnlyList<(double Percent, string? Type)>? layout)
    {
        if (layout is null)
        {
            return ",";
        }

        if (layout.Count > 4)
        {
            throw new InvalidDataException("an MBR layout holds at most 4 partitions (only simple partitioning)");
        }

        return string.Join('\n', layout.Select((p, i) => i == layout.Count - 1
            ? $",,{p.Type ?? "83"}"
            : $",{((long)(sectors * (p.Percent / 100))).ToString(CultureInfo.InvariantCulture)},{p.Type ?? "83"}"));
    }

    /// <summary>cloud-init's mkfs: returns whether a filesystem was made.</summary>
    private static bool MakeFilesystem(ModuleContext context, Disks tools, IReadOnlyDictionary<string, string> aliases, CloudMap definition, string where)
    {
        var label = ConfigValues.Text(definition, "label", where);
        var given = ConfigValues.Text(definition, "device", where) ?? throw new InvalidDataException("no device given");
        var fsType = ConfigValues.Text(definition, "filesystem", where);
        var partition = ConfigValues.Text(definition, "partition", where) ?? "any";
        var replaceFs = ConfigValues.Text(definition, "replace_fs", where);
        var overwrite = definition.GetBool("overwrite", false);
        if (definition["cmd"] is not null)
        {
            // Reported by the coverage check (fs_setup.*.cmd); a shell line built from config values is never run.
            context.Log.WriteLine($"disk_setup: {where}: cmd is not run by keel-agent; entry skipped");
            return false;
        }

        var (disk, dotted) = DeviceNames.SplitDotted(given);
        disk = aliases.GetValueOrDefault(disk, disk);
        if (dotted is not null)
        {
            if (definition["partition"] is not null)
            {
                context.Warnings.Add(new(Severity.Warning, where, $"partition {dotted} of the dotted device name '{given}' overrides partition: {partition}"));
            }

            partition = dotted;
        }

        if (fsType is null)
        {
            throw new InvalidDataException($"no filesystem given for {given}");
        }

        var device = tools.Settle(disk);
        if (partition.Length == 0 || partition.All(char.IsAsciiDigit) || partition.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            if (partition.Length > 0 && partition.All(char.IsAsciiDigit))
            {
                // cloud-init appends the bare number (sda1); nvme0n1 and loop0 name their partitions with a "p".
                device = DeviceNames.NthPartition(device, partition) ?? device + partition;
            }

            var existing = tools.Filesystem(device);
            var raw = !partition.All(char.IsAsciiDigit);
            if (existing.Label == label && existing.Type == fsType && !overwrite)
            {
                context.Log.WriteLine($"disk_setup: {device}: already has {fsType}{(label is null ? "" : " labelled " + label)}");
                return false;
            }

            // cloud-init formats over a different filesystem (and, with partition: none, over anything); keel-agent
            // keeps any existing filesystem or partition table unless overwrite: true says otherwise.
            if (!overwrite && (existing.Type is not null || (raw && tools.IsUsed(device))))
            {
                context.Warnings.Add(new(Severity.Warning, where, $"{device} already has {(existing.Type is null ? "partitions" : $"a {existing.Type} filesystem{(existing.Label is null ? "" : $" labelled {existing.Label}")}")}; not formatted as {fsType} without overwrite: true"));
                return false;
            }
        }
        else if (partition.Equals("auto", StringComparison.OrdinalIgnoreCase) || partition.Equals("any", StringComparison.OrdinalIgnoreCase))
        {
            var (found, reuse) = tools.FindDeviceNode(device, fsType, label, labelMatch: partition.Equals("auto", StringComparison.OrdinalIgnoreCase), replaceFs);
            if (reuse)
            {
                context.Log.WriteLine($"disk_setup: {found}: already has {fsType}; not formatted");
                return false;
            }

            if (found is null)
            {
                context.Warnings.Add(new(Severity.Warning, where, $"no free partition or unused disk on {device} for {fsType}; nothing formatted"));
                return false;
            }

            device = found;
        }
        else
        {
            throw new InvalidDataException($"partition '{partition}': expected a number, auto, any or none");
        }

        var mkfs = ToolLookup.Find("mkfs." + fsType) ?? ToolLookup.Find("mk" + fsType) ?? throw new IOException($"cannot make {fsType}: no mkfs.{fsType} program");
        List<string> argv = [];
        if (label is not null)
        {
            argv.AddRange(["-L", label]);
        }

        if ((overwrite || tools.DeviceType(device) == "disk") && ForceFlag(fsType) is { } force)
        {
            argv.Add(force);
        }

        argv.AddRange(definition["extra_opts"] switch
        {
            null or CloudScalar { IsNull: true } => [],
            CloudScalar s => s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            CloudList l => l.Items.Select(i => (i as CloudScalar)?.Text ?? throw new InvalidDataException($"{where}.extra_opts (line {i.Line}): options must be strings")),
            var other => throw ConfigValues.WrongType(where, "extra_opts", other, "a string or a list of strings"),
        });
        argv.Add(device);
        ModuleCommand.Run(context, $"{Path.GetFileName(mkfs)} {string.Join(' ', argv)}", mkfs, argv);
        context.Log.WriteLine($"disk_setup: {device}: {fsType}{(label is null ? "" : " labelled " + label)} made");
        return true;
    }

    private static string? ForceFlag(string fsType) =>
        fsType.Contains("ext", StringComparison.OrdinalIgnoreCase) ? "-F" : fsType.ToLowerInvariant() is "btrfs" or "xfs" or "reiserfs" or "swap" ? "-f" : null;

    /// <summary>The block-device tools cloud-init's disk_setup uses (lsblk, blkid, blockdev, sgdisk, sfdisk, wipefs), as argv lists.</summary>
    private sealed partial class Disks(ModuleContext context)
    {
        /// <summary>The real device behind <paramref name="name"/> once udev has settled; an IOException when there is none.</summary>
        public string Settle(string name)
        {
            if (!Path.Exists(name))
            {
                UdevSettle();
                if (!Path.Exists(name))
                {
                    throw new IOException($"device {name} does not exist");
                }
            }

            UdevSettle();
            var info = new FileInfo(name);
            return info.ResolveLinkTarget(true)?.FullName ?? Path.GetFullPath(name);
        }

        /// <summary>lsblk's TYPE for the device itself; a loop device is a whole disk.</summary>
        public string? DeviceType(string device) => Enumerate(device, noDeps: true).Select(d => d.Type).FirstOrDefault();

        /// <summary>The device and everything under it (partitions, mapped devices) as lsblk lists them.</summary>
        public List<(string Name, string Type, string FsType, string Label)> Enumerate(string device, bool noDeps = false)
        {
            List<string> argv = ["--pairs", "--output", "NAME,TYPE,FSTYPE,LABEL", device];
            if (noDeps)
            {
                argv.Add("--nodeps");
            }

            var output = Tool("lsblk", argv);
            var result = new List<(string, string, string, string)>();
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var values = Pairs(line);
                var type = values.GetValueOrDefault("TYPE", "").ToLowerInvariant();
                var (name, fsType, label) = (values.GetValueOrDefault("NAME", ""), values.GetValueOrDefault("FSTYPE", ""), values.GetValueOrDefault("LABEL", ""));
                if (fsType.Length == 0 && File.Exists("/dev/" + name))
                {
                    // lsblk takes FSTYPE from udev's database, which lags behind a filesystem just made (or is missing);
                    // a partition that looks empty is probed before anything may be written to it.
                    var probed = Filesystem("/dev/" + name);
                    (fsType, label) = (probed.Type ?? "", probed.Label ?? "");
                }

                result.Add((name, type == "loop" ? "disk" : type, fsType, label));
            }

            return result;
        }

        /// <summary>blkid's LABEL and TYPE of what is on the device (nulls when nothing is).</summary>
        public (string? Label, string? Type) Filesystem(string device)
        {
            var blkid = ToolLookup.Find("blkid") ?? throw new IOException("blkid (util-linux) is not installed");
            var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = context.Options.ScriptTimeout }, blkid, ["-c", "/dev/null", device], context.Cancellation);
            if (result.ExitCode is not (0 or 2))
            {
                throw new IOException($"blkid {device}: exited with status {result.ExitCode}{(result.LastErrorLine is { } l ? ": " + l : "")}");
            }

            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length != 1)
            {
                return (null, null);
            }

            var values = Pairs(lines[0][(lines[0].IndexOf(':', StringComparison.Ordinal) + 1)..]);
            return (values.GetValueOrDefault("LABEL"), values.GetValueOrDefault("TYPE"));
        }

        /// <summary>cloud-init's is_disk_used: partitions (or other children) or a filesystem on the disk itself.</summary>
        public bool IsUsed(string device) => Enumerate(device).Count > 1 || Filesystem(device).Type is not null;

        /// <summary>Size in logical sectors (a fraction when the size is not a whole number of them, as cloud-init divides).</summary>
        public double Sectors(string device)
        {
            var bytes = long.Parse(Tool("blockdev", ["--getsize64", device]).Trim(), CultureInfo.InvariantCulture);
            var sector = long.Parse(Tool("blockdev", ["--getss", device]).Trim(), CultureInfo.InvariantCulture);
            return (double)bytes / sector;
        }

        /// <summary>The partition type codes in the GPT (sgdisk -p), "8300" written as cloud-init compares it ("83").</summary>
        public List<string?> GptTypes(string device)
        {
            var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = context.Options.ScriptTimeout }, Sgdisk(), ["-p", device], context.Cancellation);
            var lines = result.Output.Split('\n');
            var header = Array.FindIndex(lines, l => l.Trim().StartsWith("Number", StringComparison.Ordinal));
            if (result.ExitCode != 0 || header < 0)
            {
                return [];
            }

            return lines.Skip(header + 1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 5)
                .Select(f => f[5].Length == 4 && f[5].EndsWith("00", StringComparison.Ordinal) ? f[5][..2] : f[5]).Cast<string?>().ToList();
        }

        /// <summary>The partition type ids in the MBR (sfdisk -l), extended and empty entries left out, as cloud-init reads them.</summary>
        public List<string?> MbrTypes(string device)
        {
            RereadPartitions(device);
            var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = context.Options.ScriptTimeout }, Sfdisk(), ["-l", device], context.Cancellation);
            var found = new List<string?>();
            foreach (var fields in result.Output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 0))
            {
                if (!fields[0].Contains(device, StringComparison.Ordinal) || fields[^1].ToLowerInvariant() is "extended" or "empty")
                {
                    continue;
                }

                found.Add(fields.Skip(1).Reverse().FirstOrDefault(f => f.All(char.IsAsciiDigit)));
            }

            return found;
        }

        /// <summary>A new GPT: sgdisk -Z, then -n N:0:SIZE and -t N:TYPE (padded to 4 characters) per partition.</summary>
        public void WriteGpt(string device, IReadOnlyList<(string? Type, string Size)> layout)
        {
            var sgdisk = Sgdisk();
            ModuleCommand.Run(context, $"sgdisk -Z {device}", sgdisk, ["-Z", device]);
            for (var i = 0; i < layout.Count; i++)
            {
                var number = (i + 1).ToString(CultureInfo.InvariantCulture);
                ModuleCommand.Run(context, $"sgdisk -n {number}:0:{layout[i].Size} {device}", sgdisk, ["-n", $"{number}:0:{layout[i].Size}", device]);
                if (layout[i].Type is { } type)
                {
                    ModuleCommand.Run(context, $"sgdisk -t {number}:{type.PadRight(4, '0')} {device}", sgdisk, ["-t", $"{number}:{type.PadRight(4, '0')}", device]);
                }
            }

            RereadPartitions(device);
        }

        /// <summary>A new MBR from an sfdisk script.</summary>
        public void WriteMbr(string device, string script)
        {
            var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, Input = script + "\n", Timeout = context.Options.ScriptTimeout }, Sfdisk(), ["--force", device], context.Cancellation);
            context.Log.Write(result.Output);
            if (result.ExitCode != 0)
            {
                throw new IOException($"sfdisk {device}: exited with status {result.ExitCode}{(result.LastErrorLine is { } l ? ": " + l : "")}");
            }

            RereadPartitions(device);
        }

        /// <summary>cloud-init's purge_disk: wipefs --all on every child, then the first and last MiB zeroed.</summary>
        public void Purge(string device)
        {
            foreach (var child in Enumerate(device).Where(d => d.Type is not ("disk" or "crypt")))
            {
                Tool("wipefs", ["--all", "/dev/" + child.Name]);
            }

            const int MiB = 1 << 20;
            var zeros = new byte[MiB];
            using (var disk = new FileStream(device, FileMode.Open, FileAccess.ReadWrite))
            {
                disk.Write(zeros);
                var size = (long)(Sectors(device) * long.Parse(Tool("blockdev", ["--getss", device]).Trim(), CultureInfo.InvariantCulture));
                disk.Seek(Math.Max(0, size - MiB), SeekOrigin.Begin);
                disk.Write(zeros);
                disk.Flush(flushToDisk: true);
            }

            RereadPartitions(device);
        }

        /// <summary>
        /// cloud-init's find_device_node for partition auto/any: a partition (or the unused disk) to format, and whether it
        /// already holds the filesystem asked for.
        /// </summary>
        public (string? Device, bool Reuse) FindDeviceNode(string device, string fsType, string? label, bool labelMatch, string? replaceFs)
        {
            var rawUsed = false;
            foreach (var d in Enumerate(device))
            {
                if (replaceFs is not null && d.FsType == replaceFs && !labelMatch)
                {
                    return ("/dev/" + d.Name, false);
                }

                if (d.FsType == fsType && (!labelMatch || d.Label == (label ?? "")))
                {
                    return ("/dev/" + d.Name, true);
                }

                if (d.Type is "disk" or "part")
                {
                    rawUsed |= d.Type != "disk" || d.FsType.Length > 0;
                    if (d.Type != "disk" && d.FsType.Length == 0)
                    {
                        return ("/dev/" + d.Name, false);
                    }
                }
            }

            return rawUsed ? (null, false) : (device, false);
        }

        /// <summary>
        /// Makes the kernel read the new table: partprobe, or blockdev --rereadpt (cloud-init's read_parttbl), then partx
        /// --update, which also works where the re-read is refused or ignored (a loop device in a container).
        /// </summary>
        public void RereadPartitions(string device)
        {
            UdevSettle();
            foreach (var (tool, argv) in new[] { ToolLookup.Find("partprobe") is { } p ? (p, new[] { device }) : (ToolLookup.Find("blockdev"), ["--rereadpt", device]), (ToolLookup.Find("partx"), ["--update", device]) })
            {
                if (tool is not null)
                {
                    var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = context.Options.ScriptTimeout }, tool, argv, context.Cancellation);
                    if (result.ExitCode != 0)
                    {
                        context.Log.WriteLine($"disk_setup: {Path.GetFileName(tool)} {string.Join(' ', argv)}: exited with status {result.ExitCode}");
                    }
                }
            }

            UdevSettle();
        }

        private void UdevSettle()
        {
            if (ToolLookup.Find("udevadm") is { } udevadm)
            {
                ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = context.Options.ScriptTimeout }, udevadm, ["settle"], context.Cancellation);
            }
        }

        private static string Sgdisk() => ToolLookup.Find("sgdisk") ?? throw new IOException("sgdisk (gdisk) is not installed; it writes GPT partition tables");

        private static string Sfdisk() => ToolLookup.Find("sfdisk") ?? throw new IOException("sfdisk (util-linux) is not installed");

        private string Tool(string name, IReadOnlyList<string> argv)
        {
            var program = ToolLookup.Find(name) ?? throw new IOException($"{name} is not installed");
            var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = context.Options.ScriptTimeout }, program, argv, context.Cancellation);
            return result.ExitCode == 0 ? result.Output : throw new IOException($"{name} {string.Join(' ', argv)}: exited with status {result.ExitCode}{(result.LastErrorLine is { } l ? ": " + l : "")}");
        }

        private static Dictionary<string, string> Pairs(string line) =>
            PairPattern().Matches(line).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

        [GeneratedRegex("([A-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
        private static partial Regex PairPattern();
    }
}
