using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Planning;
using Keel.Config.Validation;
using Keel.Install.Devices;
using Keel.Installer.Api;
using Keel.Installer.Service.Probes;

namespace Keel.Installer.Service.Session.Storage;

/// <summary>
/// Screen 7: the target disk (by path or by-id, from the probe's facts), the guided layout (the distribution's default
/// on the whole disk, optionally with LUKS2) or the custom partitions, and the proposal: each partition's computed size
/// and role, whether it boots, and why not. The passphrase is kept in the draft only (never in the session's view).
/// </summary>
public sealed class StorageSection(IMachineProbe probe)
{
    /// <summary>The choice as the client sent it, without the passphrase; null until a disk was chosen.</summary>
    public StorageSettings? Settings { get; private set; }

    /// <summary>The chosen disk as the probe described it.</summary>
    public DiskFacts? Disk { get; private set; }

    /// <summary>The section's own errors (a passphrase mismatch, a bad filesystem name).</summary>
    public List<FieldError> OwnErrors { get; } = [];

    /// <summary>Why the chosen disk cannot take the layout (too small, refused by the probe), as of the last proposal.</summary>
    public List<FieldError> DiskErrors { get; } = [];

    /// <summary>Finds <paramref name="disk"/> (a path, a /dev/disk/by-id path or a by-id name) among <paramref name="disks"/>; null when none is it.</summary>
    public static DiskFacts? Find(IReadOnlyList<DiskFacts> disks, string disk)
    {
        ArgumentNullException.ThrowIfNull(disks);
        var name = disk.StartsWith("/dev/disk/by-id/", StringComparison.Ordinal) ? disk["/dev/disk/by-id/".Length..] : disk;
        return disks.FirstOrDefault(d => d.Path == disk)
            ?? disks.FirstOrDefault(d => d.ById is { } id && (id == disk || id == name || id.EndsWith("/" + name, StringComparison.Ordinal)));
    }

    /// <summary>The by-id path of a disk when it has one (the stable name a saved config should select), else its path.</summary>
    public static string StableName(DiskFacts disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return disk.ById is not { Length: > 0 } id ? disk.Path : id.StartsWith('/') ? id : "/dev/disk/by-id/" + id;
    }

    /// <summary>Applies <paramref name="settings"/> to the draft, then validates (<paramref name="validate"/>) and proposes.</summary>
    public async Task<LayoutProposal> UpdateAsync(StorageSettings settings, MachineConfig draft, Func<DraftCheck> validate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(validate);
        OwnErrors.Clear();
        var partitions = Partitions(settings);
        var layout = new StorageConfig { Partitions = partitions };
        var facts = await probe.GetFactsAsync(layout, cancellationToken).ConfigureAwait(false);
        var disk = Find(facts.Disks, settings.Disk?.Trim() ?? "")
            ?? throw InstallerServiceException.NotFound($"storage.disk: '{settings.Disk}' is not a disk of this machine (known: {string.Join(", ", facts.Disks.Select(d => d.Path))})");

        var previous = draft.Storage.Encryption?.Passphrase;
        EncryptionConfig? encryption = null;
        if (settings.Encrypt)
        {
            var passphrase = settings.Passphrase ?? settings.PassphraseAgain;
            if (settings.Passphrase is null && settings.PassphraseAgain is null && previous is not null)
            {
                passphrase = previous;
            }
            else if (!string.Equals(settings.Passphrase, settings.PassphraseAgain, StringComparison.Ordinal))
            {
                OwnErrors.Add(new FieldError("storage.encryption.passphrase", "the two passphrases differ", "type the same passphrase twice"));
            }

            if (string.IsNullOrEmpty(passphrase))
            {
                OwnErrors.Add(new FieldError("storage.encryption.passphrase", "encryption needs a passphrase", "at least 8 characters, typed twice"));
            }

            encryption = new EncryptionConfig { Type = EncryptionType.Luks2, Passphrase = string.IsNullOrEmpty(passphrase) ? null : passphrase };
        }

        draft.Storage = new StorageConfig { Disk = DiskSelector.ForPath(StableName(disk)), Partitions = partitions, Encryption = encryption };
        Settings = settings with { Passphrase = null, PassphraseAgain = null };
        Disk = disk;
        var check = validate();
        return Propose(draft, disk, check);
    }

    /// <summary>The proposal for the draft's layout on <paramref name="disk"/>: computed sizes, roles, problems, field errors.</summary>
    public LayoutProposal Propose(MachineConfig draft, DiskFacts disk, DraftCheck check)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(check);
        var effective = draft.Storage.EffectivePartitions();
        var encrypt = draft.Storage.Encryption is not null;
        var needed = DiskLister.MinimumBytes(draft.Storage);
        List<long> sizes;
        try
        {
            sizes = [.. LayoutCalculator.Place(effective, disk.SizeBytes, disk.Path, draft.Arch, encrypt).Select(p => p.SizeBytes)];
        }
        catch (InvalidDataException)
        {
            sizes = [.. effective.Select(p => p.Size is { } s && ByteSize.TryParse(s, out _, out _) is { IsPercent: false } b ? b.Bytes : 0L)];
        }

        var proposed = effective.Select((p, i) =>
        {
            var encrypted = encrypt && PartitionRoles.Of(p) == PartitionRole.Root;
            return new ProposedPartition(p.Label ?? PartitionRoles.DefaultLabel(p), p.MountPoint, sizes[i], ConfigNames.EnumValue(p.Fs), encrypted, PartitionRoleText.Describe(p, sizes[i], encrypted));
        }).ToList();

        var problems = LayoutChecks.Problems(effective, disk.SizeBytes, needed);
        DiskErrors.Clear();
        if (needed > disk.SizeBytes)
        {
            DiskErrors.Add(new FieldError("storage.disk", $"{disk.Path} is too small for this layout: the layout needs {ByteSize.Format(needed)}, the disk has {ByteSize.Format(disk.SizeBytes)}", "choose a larger disk or smaller partitions"));
        }

        // The probe's own refusals (the medium's disk, read-only, in use); its size refusal is said above with both sizes.
        DiskErrors.AddRange(disk.Refusals.Where(r => needed <= disk.SizeBytes || !r.Contains("small", StringComparison.OrdinalIgnoreCase))
            .Select(r => new FieldError("storage.disk", $"{disk.Path}: {r}", "choose another disk")));
        // What the engine refuses for this target (a sector size, an encryption it cannot set up on a device), said now
        // rather than at the review.
        if (check.Loaded is { } loaded)
        {
            DiskErrors.AddRange(TargetRules.ForDevice(loaded, disk.Path, 512).Select(d => new FieldError(d.Path, d.Message, d.Hint)));
        }

        List<FieldError> errors = [.. OwnErrors, .. DiskErrors, .. check.For(ConfigSection.Storage)];
        return new LayoutProposal(proposed, problems.Count == 0, problems, errors);
    }

    // Guided: the distribution's default layout (null in the config, as an unattended config would leave it). Custom:
    // the editor's partitions; a filesystem name the config does not know is an error, not a guess.
    private List<PartitionConfig>? Partitions(StorageSettings settings)
    {
        if (settings.Mode == LayoutMode.Guided)
        {
            return null;
        }

        var specs = settings.Partitions ?? [];
        if (specs.Count == 0)
        {
            throw InstallerServiceException.BadInput("storage.partitions: a custom layout needs at least one partition");
        }

        var result = new List<PartitionConfig>();
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            FilesystemType fs = FilesystemType.Ext4;
            if (ConfigNames.TryParseEnum(typeof(FilesystemType), spec.Fs ?? "", out var parsed) && parsed is FilesystemType known)
            {
                fs = known;
            }
            else
            {
                OwnErrors.Add(new FieldError($"storage.partitions[{i}].fs", $"'{spec.Fs}' is not a filesystem keel makes", "ext4, xfs, vfat or swap"));
            }

            result.Add(new PartitionConfig
            {
                Label = string.IsNullOrWhiteSpace(spec.Label) ? null : spec.Label.Trim(),
                MountPoint = string.IsNullOrWhiteSpace(spec.MountPoint) ? null : spec.MountPoint.Trim(),
                Size = string.IsNullOrWhiteSpace(spec.Size) ? null : spec.Size.Trim(),
                Grow = spec.Grow,
                Fs = fs,
            });
        }

        return result;
    }
}
