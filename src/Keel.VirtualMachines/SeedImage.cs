using Keel.Processes;
namespace Keel.VirtualMachines;

/// <summary>Makes a NoCloud seed: a small vfat image labelled "cidata" holding a directory's files, built in user space with mkfs.vfat and mcopy.</summary>
public static class SeedImage
{
    /// <summary>NoCloud seeds hold a few small text files; anything larger is a mistake.</summary>
    public const long MaxContentBytes = 64L * 1024 * 1024;

    private const string Label = "cidata";

    /// <summary>Writes the seed image for <paramref name="directory"/> to <paramref name="destination"/> (temp file, then rename).</summary>
    public static async Task CreateAsync(string directory, string destination, HostTools tools, CancellationToken cancellationToken)
    {
        var mkfs = tools.Require("mkfs.vfat", "dosfstools");
        var mcopy = tools.Require("mcopy", "mtools");
        var source = new DirectoryInfo(directory);
        if (!source.Exists)
        {
            throw new DirectoryNotFoundException($"{directory}: seed directory not found");
        }

        if (!File.Exists(Path.Combine(source.FullName, "meta-data")))
        {
            throw new InvalidDataException($"{directory}: NoCloud seed has no meta-data file (cloud-init needs one, even if empty)");
        }

        var entries = source.GetFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        long total = 0;
        foreach (var file in source.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
            if (total > MaxContentBytes)
            {
                throw new InvalidDataException($"{directory}: seed content exceeds {MaxContentBytes / (1024 * 1024)} MiB");
            }
        }

        // FAT needs room for its tables and directory entries on top of the data.
        var sizeKiB = Math.Max(1024, (total * 5 / 4 / 1024) + 1024);
        var temp = destination + ".tmp";
        try
        {
            await ToolRunner.RunAsync(mkfs, ["-C", "-n", Label, temp, sizeKiB.ToString(System.Globalization.CultureInfo.InvariantCulture)], null, cancellationToken).ConfigureAwait(false);
            if (entries.Count > 0)
            {
                // -s copies subdirectories; -Q stops at the first error instead of skipping files.
                List<string> args = ["-i", temp, "-s", "-Q"];
                args.AddRange(entries.Select(e => e.FullName));
                args.Add("::/");
                await ToolRunner.RunAsync(mcopy, args, null, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
