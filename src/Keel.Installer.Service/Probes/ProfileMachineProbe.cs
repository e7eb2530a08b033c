using Keel.Config.Model;
using Keel.Errors;
using Keel.Install.Devices;
using Keel.Installer.Api;
using Keel.Installer.Service.Accounts;

namespace Keel.Installer.Service.Probes;

/// <summary>
/// The machine a JSON profile describes (for `--dry-run`): facts and keys come from the file, a saved file goes into a
/// scratch directory (never a device) and the keyboard is never loaded.
/// </summary>
public sealed class ProfileMachineProbe : IMachineProbe
{
    private readonly MachineProfile profile;
    private readonly string scratchRoot;

    /// <summary>Loads <paramref name="profilePath"/> (throws on a bad file); saved files go under <paramref name="scratchRoot"/>/NAME (default $TMPDIR/keel-dry-run).</summary>
    public ProfileMachineProbe(string profilePath, string? scratchRoot = null)
    {
        profile = MachineProfile.Load(profilePath);
        this.scratchRoot = Path.GetFullPath(scratchRoot ?? Path.Combine(Path.GetTempPath(), "keel-dry-run"));
    }

    /// <summary>The loaded profile.</summary>
    public MachineProfile Profile => profile;

    /// <summary>Where this profile's saved files go: one directory per volume below it.</summary>
    public string ScratchDirectory => Path.Combine(scratchRoot, profile.Name!);

    public bool DryRun => true;

    public Task<MachineFacts> GetFactsAsync(StorageConfig? layout, CancellationToken cancellationToken)
    {
        var minimum = layout is null ? (long?)null : DiskLister.MinimumBytes(layout);
        var disks = profile.Disks!.Select(d =>
        {
            var refusals = new List<string>();
            if (d.HoldsMedium)
            {
                refusals.Add(DiskRefusals.HoldsMedium);
            }

            if (d.ReadOnly)
            {
                refusals.Add(DiskRefusals.ReadOnly);
            }

            if (minimum is { } min && d.SizeBytes!.Value < min)
            {
                refusals.Add(DiskRefusals.TooSmall(d.SizeBytes.Value, min));
            }

            var parts = (d.Partitions ?? []).Select(p => new PartitionFacts(p.Path!, p.SizeBytes!.Value, p.FsType, p.Label)).ToList();
            return new DiskFacts(d.Path!, d.ById, d.Model, d.SizeBytes!.Value, d.Removable, d.Transport, parts, d.ExistingOs, refusals);
        }).ToList();
        var volumes = (profile.Removable ?? []).Select(v => new VolumeFacts(v.Device!, v.FsType, v.Label, v.SizeBytes ?? 0, v.Writable)).ToList();
        var interfaces = (profile.Interfaces ?? []).Select(i => new InterfaceFacts(i.Name!, i.Mac, i.Up, i.Addresses ?? [])).ToList();
        return Task.FromResult(new MachineFacts(disks, volumes, interfaces, profile.Hostname));
    }

    public Task<IReadOnlyList<FoundKey>> FindKeysAsync(CancellationToken cancellationToken)
    {
        var keys = new List<FoundKey>();
        foreach (var volume in profile.Removable ?? [])
        {
            // The live probe reads only these filesystems; a profile answers the same way, so a dry run shows that finding.
            if (!VolumeFileReader.SearchedTypes.Contains(volume.FsType ?? "", StringComparer.Ordinal))
            {
                keys.Add(KeyFiles.NotRead(volume.Device!, "", $"not searched for keys: {volume.FsType ?? "no filesystem"} (keys are read from {string.Join(", ", VolumeFileReader.SearchedTypes)})"));
                continue;
            }

            foreach (var (file, content) in (volume.Files ?? []).Where(f => KeyFiles.IsKeyFile(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var size = System.Text.Encoding.UTF8.GetByteCount(content);
                keys.AddRange(size > KeyFiles.MaxBytes ? [KeyFiles.TooLarge(volume.Device!, file, size)] : AuthorizedKeysParser.Parse(content, volume.Device!, file));
            }
        }

        return Task.FromResult<IReadOnlyList<FoundKey>>(keys);
    }

    public async Task<string> SaveToVolumeAsync(string device, string fileName, string content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (KeyFiles.CheckSaveName(fileName) is { } problem)
        {
            throw new KeelException(ReasonCodes.InvalidInput, fileName, $"{fileName}: {problem}");
        }

        var volume = (profile.Removable ?? []).FirstOrDefault(v => v.Device == device)
            ?? throw new KeelException(ReasonCodes.InvalidInput, device, $"{device}: not a removable volume of the profile {profile.Name}");
        if (!volume.Writable)
        {
            throw new KeelException(ReasonCodes.TargetRefused, device, $"{device}: the volume is read-only");
        }

        var directory = SafeDirectory(profile.Name!, Path.GetFileName(device));
        var target = Path.Combine(directory, fileName);
        var temp = Path.Combine(directory, $".{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // CreateNew refuses a planted file or link; the rename replaces a link at the target instead of following it.
            await using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return target;
    }

    public Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken) =>
        Task.FromResult(new ApplyResult(false, $"dry run: keyboard '{layout}' not loaded"));

    // Every level is made (0700) or checked not to be a symlink: the scratch root sits in a shared /tmp.
    private string SafeDirectory(params string[] below)
    {
        var path = scratchRoot;
        foreach (var dir in (string[])[scratchRoot, .. below.Select((_, i) => Path.Combine([scratchRoot, .. below[..(i + 1)]]))])
        {
            var info = new DirectoryInfo(dir);
            if (info.LinkTarget is not null)
            {
                throw new KeelException(ReasonCodes.UnsafePath, dir, $"{dir}: is a symbolic link; the dry run does not write through it");
            }

            if (!info.Exists)
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            path = dir;
        }

        return path;
    }
}
