using Keel.Config.Planning;
using Keel.Config.Validation;
using Keel.DiskImages;
using Keel.Install.Devices;
using Keel.Install.Planning;
using Keel.Install.Processes;
using Keel.Install.Storage;

namespace Keel.Install.Steps;

/// <summary>storage.partition: a new GPT on the partial image or the device (erasing the device's partition table).</summary>
public sealed class StoragePartitionStep() : InstallStep("storage.partition", "Partition (GPT)")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        plan.Partitions.Select(p => $"partition {p.Number} '{p.Label}' ({p.Role}, {p.Filesystem}{(p.MountPoint is null ? "" : " at " + p.MountPoint)}): {ByteSize.Format(p.SizeBytes)} from {ByteSize.Format(p.StartBytes)}{(p.Grows ? ", grows" : "")}");

    public override IEnumerable<DestructiveOperation> Destructive(PlanningContext plan) =>
    [
        new DestructiveOperation(DestructiveKind.WipeDevice, plan.Work,
            plan.Image ? $"write a new GPT to {plan.Work}" : $"erase the partition table and signatures of {plan.Target.Path}: every partition and all data on it are lost", plan.Target.SizeBytes),
        .. plan.Partitions.Select(p => new DestructiveOperation(DestructiveKind.CreatePartition, p.Device, $"create partition {p.Number} '{p.Label}' type {p.TypeGuid}", p.SizeBytes)),
    ];

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        var target = run.Plan.Target;
        string where;
        if (target.Kind == PlanTargetKind.Image)
        {
            where = target.WritePath;
            File.Delete(where);
        }
        else
        {
            // Checked again: the disk may have been mounted while the packages were downloading.
            (run.Options.Guard ?? new InstallTargetGuard()).Check(target.Path, run.Options.MediumPath);
            where = target.Path;
            run.DiskLock ??= await BlockDeviceLock.AcquireAsync(where, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }

        await DiskWriter.PartitionAsync(where, target.SizeBytes, run.Layout, cancellationToken).ConfigureAwait(false);
        run.Report($"GPT with {run.Layout.Partitions.Count} partitions on {where}");
    }
}

/// <summary>
/// storage.encrypt, after the file systems are made (each leaves 32 MiB for the LUKS2 header): a device install encrypts
/// the root partition in place now; an image encrypts itself on first boot.
/// </summary>
public sealed class StorageEncryptStep() : InstallStep("storage.encrypt", "Encrypt the root partition (LUKS2)")
{
    public override bool AppliesTo(PlanningContext plan) => plan.Config.Storage.Encryption is not null;

    public override IEnumerable<string> Details(PlanningContext plan)
    {
        var enc = plan.Config.Storage.Encryption!;
        var key = enc.KeyFile is not null
            ? $"key from {plan.Loaded.Resolve(enc.KeyFile)}, also in the initramfs"
            : "key: the config's passphrase, asked on the console at every boot and never stored";
        return [key, plan.Image ? "the machine encrypts the root in place on its first boot, with a volume key of its own" : "the root is encrypted in place now, right after its file system is made"];
    }

    public override IEnumerable<DestructiveOperation> Destructive(PlanningContext plan)
    {
        var root = plan.Partitions.First(p => p.Encrypted);
        return [new DestructiveOperation(DestructiveKind.Encrypt, root.Device, $"format {root.Device} as LUKS2: its contents are erased", root.SizeBytes)];
    }

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        var encryption = RootEncryption.For(run.Loaded, run.Layout)!;
        var root = run.Layout.Root;
        if (run.Plan.Target.Kind != PlanTargetKind.Device)
        {
            run.Report($"partition {root.Planned.Number}: the file system leaves 32 MiB for the LUKS2 header; the machine encrypts it on first boot (LUKS UUID {encryption.LuksUuid:D})");
            return;
        }

        var partition = LayoutCalculator.PartitionDevice(run.Plan.Target.Path, root.Planned.Number);
        run.Report($"encrypting {partition} in place (LUKS2, UUID {encryption.LuksUuid:D})");
        await encryption.EncryptAsync(Id, partition, cancellationToken).ConfigureAwait(false);
        run.Report($"{partition} is LUKS2 (UUID {encryption.LuksUuid:D}){(encryption.UsesPassphrase ? "; the passphrase is asked at every boot" : "")}");
    }
}

public sealed class StorageFormatStep() : InstallStep("storage.format", "Make filesystems")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        plan.Partitions.Select(p => $"{(p.Filesystem == "swap" ? "mkswap" : "mkfs." + p.Filesystem)} on partition {p.Number} (label '{p.Label}'{(p.Encrypted ? ", inside LUKS2" : "")}){(p.MountPoint is null ? "" : ", filled with the tree of " + p.MountPoint)}");

    public override IEnumerable<DestructiveOperation> Destructive(PlanningContext plan) =>
        plan.Partitions.Select(p => new DestructiveOperation(DestructiveKind.Format, p.Device, $"make {p.Filesystem} on {p.Device}: its contents are erased", p.SizeBytes));

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        var layout = run.Layout;

        // Read before the split, while the rpmdb and the files are still in one tree.
        var preserved = run.Options.SourceDateEpoch is { } epoch ? PackagedMtimes.Find(run.RootPath, epoch) : null;
        var trees = TreeSplitter.Split(run.RootPath, layout.Partitions.Select(p => p.Planned.MountPoint).OfType<string>(), run.Work!.Path);
        var target = run.Plan.Target;
        var device = target.Kind == PlanTargetKind.Device;
        var where = target.WritePath;
        await DiskWriter.FormatAsync(where, layout, trees, device,
            (p, made) => run.Report($"{p.Planned.Filesystem} '{p.Filesystem.Label}' on partition {p.Planned.Number}", made, layout.Partitions.Count), cancellationToken,
            preserved).ConfigureAwait(false);
        if (device)
        {
            // Flush what mkfs wrote through the partition devices; partx (not BLKRRPART) keeps the kernel's view of the new
            // partitions, also on kernels that cannot parse GPT themselves.
            await StepTool.RunAsync(Id, "blockdev", ["--flushbufs", target.Path], cancellationToken, debianPackage: "util-linux").ConfigureAwait(false);
            await StepTool.RunAsync(Id, "partx", ["--update", target.Path], cancellationToken, debianPackage: "util-linux").ConfigureAwait(false);
            run.ReleaseDiskLock();
        }
    }
}
