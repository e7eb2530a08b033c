using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>What a write target is: an image file or a block device, and how many bytes it holds.</summary>
internal sealed record TargetInfo(string Path, bool IsBlockDevice, long SizeBytes)
{
    public const int SectorSize = 512;

    /// <summary>Probes <paramref name="path"/>; throws FileNotFoundException when it does not exist and InvalidDataException when it is neither a file nor a block device.</summary>
    public static async Task<TargetInfo> ProbeAsync(string path, CancellationToken ct)
    {
        var kind = (await ToolRunner.RunAsync(HostTools.Stat, ["-L", "-c", "%F", "--", path], null, ct, allowFailure: true).ConfigureAwait(false));
        if (kind.ExitCode != 0)
        {
            throw new FileNotFoundException($"{path}: no such file or device");
        }

        switch (kind.Output.Trim())
        {
            case "regular file":
            case "regular empty file":
                return new TargetInfo(path, false, new FileInfo(path).Length);
            case "block special file":
                var size = await ToolRunner.RunAsync(HostTools.Blockdev, ["--getsize64", path], null, ct).ConfigureAwait(false);
                var sector = await ToolRunner.RunAsync(HostTools.Blockdev, ["--getss", path], null, ct).ConfigureAwait(false);
                if (sector.Output.Trim() != SectorSize.ToString())
                {
                    throw new NotSupportedException($"{path}: logical sector size {sector.Output.Trim()} is not supported (only {SectorSize})");
                }

                return new TargetInfo(path, true, long.Parse(size.Output.Trim()));
            default:
                throw new InvalidDataException($"{path}: not a regular file or block device ({kind.Output.Trim()})");
        }
    }
}
