using Keel.Config.Planning;
using Keel.DiskImages;

namespace Keel.Install.Storage;

/// <summary>Writes a laid-out disk: GPT, then every filesystem filled from its tree, on an image file or a whole block device alike.</summary>
public static class DiskWriter
{
    /// <summary>Writes the GPT of <paramref name="layout"/> to <paramref name="target"/> (an image file or a whole disk).</summary>
    public static Task PartitionAsync(string target, long diskBytes, DiskLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return GptWriter.WriteAsync(target, diskBytes, layout.DiskGuid, layout.Partitions.Select(p => p.Gpt).ToList(), cancellationToken);
    }

    /// <summary>
    /// Makes the filesystems: at their offsets of an image file, or on the partition devices of a disk (mkfs tools refuse
    /// a whole disk that has partitions, rightly). <paramref name="made"/> is called after each one.
    /// </summary>
    public static async Task FormatAsync(string target, DiskLayout layout, IReadOnlyDictionary<string, string> trees, bool device,
        Action<LaidOutPartition, int> made, CancellationToken cancellationToken, IReadOnlySet<string>? preservedMtimes = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(made);
        int count = 0;
        foreach (var p in layout.Partitions)
        {
            var filesystem = p.Filesystem with
            {
                SourceDirectory = p.Planned.MountPoint is { } mp ? trees[mp] : null,
                PreservedMtimes = p.Planned.MountPoint is { } at && preservedMtimes is { Count: > 0 } ? PackagedMtimes.Below(preservedMtimes, at) : null,
            };
            var where = target;
            if (device)
            {
                where = LayoutCalculator.PartitionDevice(target, p.Planned.Number);
                filesystem = filesystem with { OffsetBytes = 0 };
            }

            await FilesystemWriter.CreateAsync(where, filesystem, null, cancellationToken).ConfigureAwait(false);
            made(p, ++count);
        }
    }
}
