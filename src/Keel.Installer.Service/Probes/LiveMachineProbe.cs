using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Keel.Config.Model;
using Keel.Errors;
using Keel.Install.Devices;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Probes;

/// <summary>
/// The machine the live medium runs on: disks from <see cref="DiskLister"/> (judged by the same guard as `keel install`),
/// an existing OS read from ext2/3/4 partitions with debugfs, removable volumes (partitions of removable or USB disks),
/// keys read from them in user space (<see cref="VolumeFileReader"/>), network interfaces, and loadkeys. Every tool runs
/// through <see cref="ISystemAccess"/>.
/// </summary>
public sealed partial class LiveMachineProbe : IMachineProbe
{
    private readonly ISystemAccess system;
    private readonly Func<StorageConfig?, CancellationToken, Task<IReadOnlyList<DiskInfo>>> listDisks;
    private readonly Func<string, string?> findTool;
    private readonly VolumeFileReader reader;

    /// <summary>
    /// The live machine. <paramref name="listDisks"/> replaces the sysfs listing (tests describe disks whose partitions are
    /// image files); <paramref name="mediumPath"/> is a path on the install medium (its disk is refused);
    /// <paramref name="findTool"/> replaces the PATH lookup of loadkeys and xorriso.
    /// </summary>
    public LiveMachineProbe(
        ISystemAccess system,
        Func<StorageConfig?, CancellationToken, Task<IReadOnlyList<DiskInfo>>>? listDisks = null,
        string? mediumPath = null,
        Func<string, string?>? findTool = null,
        string procFilesystems = "/proc/filesystems")
    {
        this.system = system ?? throw new ArgumentNullException(nameof(system));
        var lister = new DiskLister(new InstallTargetGuard());
        this.listDisks = listDisks ?? ((layout, ct) => lister.ListAsync(layout, mediumPath, ct));
        this.findTool = findTool ?? (name => Keel.Processes.ToolLookup.Find(name));
        reader = new VolumeFileReader(system, this.findTool, procFilesystems);
    }

    public bool DryRun => false;

    public async Task<MachineFacts> GetFactsAsync(StorageConfig? layout, CancellationToken cancellationToken)
    {
        var minimum = layout is null ? (long?)null : DiskLister.MinimumBytes(layout);
        var disks = await listDisks(layout, cancellationToken).ConfigureAwait(false);
        var facts = new List<DiskFacts>();
        foreach (var d in disks)
        {
            string? os = null;
            foreach (var p in d.Partitions.Where(p => p.FsType is "ext2" or "ext3" or "ext4"))
            {
                if ((os = await reader.ReadOsNameAsync(p.Path, cancellationToken).ConfigureAwait(false)) is not null)
                {
                    break;
                }
            }

            // The guard's too-small sentence is reworded to the one the profiles use, so both probes read the same.
            var refusals = d.Refusals.Select(r => r.Code == TargetRefusal.TooSmall && minimum is { } min ? DiskRefusals.TooSmall(d.SizeBytes, min) : r.Message).ToList();
            facts.Add(new DiskFacts(
                d.Path,
                d.ById.FirstOrDefault(id => !Path.GetFileName(id).StartsWith("wwn-", StringComparison.Ordinal)) ?? (d.ById.Count > 0 ? d.ById[0] : null),
                d.Model,
                d.SizeBytes,
                d.Removable,
                d.Transport,
                d.Partitions.Select(p => new PartitionFacts(p.Path, p.SizeBytes, p.FsType, p.Label)).ToList(),
                os,
                refusals));
        }

        return new MachineFacts(facts, Volumes(disks), Interfaces(), Environment.MachineName);
    }

    public async Task<IReadOnlyList<FoundKey>> FindKeysAsync(CancellationToken cancellationToken)
    {
        var volumes = Volumes(await listDisks(null, cancellationToken).ConfigureAwait(false));
        var keys = new List<FoundKey>();
        foreach (var volume in volumes)
        {
            keys.AddRange(await reader.FindKeysAsync(volume.Device, volume.FsType, cancellationToken).ConfigureAwait(false));
        }

        return keys;
    }

    public async Task<string> SaveToVolumeAsync(string device, string fileName, string content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (KeyFiles.CheckSaveName(fileName) is { } problem)
        {
            throw new KeelException(ReasonCodes.InvalidInput, fileName, $"{fileName}: {problem}");
        }

        // Only a removable volume seen now is written: a device name from an old listing may since be another disk.
        var volume = Volumes(await listDisks(null, cancellationToken).ConfigureAwait(false)).FirstOrDefault(v => v.Device == device)
            ?? throw new KeelException(ReasonCodes.InvalidInput, device, $"{device}: not a removable volume of this machine");
        if (volume.FsType != "vfat")
        {
            throw new KeelException(ReasonCodes.Unsupported, device, $"{device}: a config is saved only to a vfat volume, this one is {volume.FsType ?? "unformatted"}");
        }

        if (!volume.Writable)
        {
            throw new KeelException(ReasonCodes.TargetRefused, device, $"{device}: the volume is read-only");
        }

        var dir = Directory.CreateTempSubdirectory("keel-save-");
        try
        {
            var temp = Path.Combine(dir.FullName, "file");
            await File.WriteAllTextAsync(temp, content, cancellationToken).ConfigureAwait(false);
            var result = await system.RunAsync("mcopy", ["-o", "-i", device, temp, "::/" + fileName], allowFailure: true, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new KeelException(ReasonCodes.ToolFailed, device, $"{device}: mcopy could not write {fileName}: {result.LastErrorLine ?? $"exit code {result.ExitCode}"}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        return $"{device}:/{fileName}";
    }

    public async Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!IsKeymapName(layout))
        {
            return new ApplyResult(false, $"'{layout}' is not a keymap name (letters, digits, '_', '.', '-')");
        }

        if (findTool("loadkeys") is null)
        {
            return new ApplyResult(false, $"keyboard '{layout}' not loaded: no loadkeys on this system");
        }

        var result = await system.RunAsync("loadkeys", [layout], allowFailure: true, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? new ApplyResult(true, $"keyboard {layout} loaded")
            : new ApplyResult(false, $"keyboard '{layout}' not loaded: {result.LastErrorLine ?? $"loadkeys exit code {result.ExitCode}"}");
    }

    /// <summary>
    /// The config validator's keymap rule (SystemRules: letters, digits, '_', '.', '-'), and not starting with '-' so the
    /// name can never be read as an option of loadkeys.
    /// </summary>
    public static bool IsKeymapName(string layout) => KeymapName().IsMatch(layout) && !layout.StartsWith('-');

    /// <summary>
    /// Filesystems on removable disks (the kernel's removable flag, or USB transport): their partitions, or a filesystem
    /// written on the whole disk. A partition table type is not a filesystem.
    /// </summary>
    public static IReadOnlyList<VolumeFacts> Volumes(IReadOnlyList<DiskInfo> disks)
    {
        ArgumentNullException.ThrowIfNull(disks);
        // The medium's own disk is no user's stick: its files are the vendor's, and nothing is saved onto it.
        return disks.Where(d => (d.Removable || d.Transport == "usb") && !d.Refusals.Any(r => r.Code == TargetRefusal.InstallMedium))
            .SelectMany(d => d.Partitions.Where(p => p.FsType is { } fs && fs is not ("gpt" or "dos" or "PMBR" or "atari" or "mac" or "sun" or "bsd"))
                .Select(p => new VolumeFacts(p.Path, p.FsType, p.Label, p.SizeBytes, !d.ReadOnly && p.FsType == "vfat")))
            .ToList();
    }

    private static List<InterfaceFacts> Interfaces()
    {
        var result = new List<InterfaceFacts>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces().OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            var mac = nic.GetPhysicalAddress().GetAddressBytes();
            var addresses = nic.GetIPProperties().UnicastAddresses
                .Where(a => a.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                .Select(a => $"{a.Address}/{a.PrefixLength}").ToList();
            result.Add(new InterfaceFacts(nic.Name, mac.Length == 0 ? null : string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
                nic.OperationalStatus == OperationalStatus.Up, addresses));
        }

        return result;
    }

    // The same pattern as Keel.Config.Validation.SystemRules' Keymap(); a test holds the two together.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]+$")]
    private static partial Regex KeymapName();
}
