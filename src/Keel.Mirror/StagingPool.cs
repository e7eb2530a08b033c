using Keel.Repository.Integrity;

namespace Keel.Mirror;

/// <summary>
/// DEST/.staging: files of a sync in progress, named by checksum. TYPE-HEX.part is a download under way (resumed with
/// a Range request by the next sync when this one is killed); TYPE-HEX is a complete file whose checksum matched. The
/// pool is not trusted across runs: a file found there is checked again before it is used.
/// </summary>
internal sealed class StagingPool
{
    public StagingPool(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>Where the verified file with <paramref name="checksum"/> lives.</summary>
    public string PathFor(Checksum checksum) => Path.Combine(Directory, checksum.Type + "-" + checksum.Hex);

    /// <summary>Where the download of the file with <paramref name="checksum"/> is written until it is checked.</summary>
    public string PartFor(Checksum checksum) => PathFor(checksum) + ".part";

    /// <summary>A name of this run's own for a file fetched every time (repomd.xml and its signature).</summary>
    public string Scratch(string name) => Path.Combine(Directory, "." + name + "-" + Guid.NewGuid().ToString("N")[..12]);
}
