using Keel.Config.Planning;
using Keel.DiskImages;

namespace Keel.Install.Storage;

/// <summary>Writes a laid-out disk: GPT, then every filesystem filled from its tree, on an image file or a whole block device alike.</summary>
public static class DiskWriter
{
    /// <summary>
    /// Partitions <paramref name="target"/> and makes the filesystems: at their offsets of an image file, or on the
    /// partition devices of a disk (mkfs tools refuse a whole disk that has partitions, rightly).
    /// </summary>
    public static async Task WriteAsync(string target, long diskBytes, DiskLayout layout, IReadOnlyDictionary<string, string> trees,
        bool device, IProgress<EngineEvent>? progress, CancellationToken cancellationToken)
    {
        await GptWriter.WriteAsync(target, diskBytes, layout.DiskGuid, layout.Partitions.Select(p => p.Gpt).ToList(), cancellationToken).ConfigureAwait(false);
        progress?.Report(new ProgressEvent("storage.partition", $"GPT with {layout.Partitions.Count} partitions on {target}", 1, 1));
        foreach (var p in layout.Partitions.Where(p => p.LuksUuid is not null))
        {
            progress?.Report(new ProgressEvent("storage.encrypt",
                $"partition {p.Planned.Number}: the file system leaves 32 MiB for the LUKS2 header; the machine encrypts it on first boot (LUKS UUID {p.LuksUuid:D})", 1, 1));
        }

        int made = 0;
        foreach (var p in layout.Partitions)
        {
            var filesystem = p.Filesystem with { SourceDirectory = p.Planned.MountPoint is { } mp ? trees[mp] : null };
            var where = target;
            if (device)
            {
                where = LayoutCalculator.PartitionDevice(target, p.Planned.Number);
                filesystem = filesystem with { OffsetBytes = 0 };
            }

            await FilesystemWriter.CreateAsync(where, filesystem, null, cancellationToken).ConfigureAwait(false);
            progress?.Report(new ProgressEvent("storage.format", $"{p.Planned.Filesystem} '{p.Filesystem.Label}' on partition {p.Planned.Number}", ++made, layout.Partitions.Count));
        }
    }
}
