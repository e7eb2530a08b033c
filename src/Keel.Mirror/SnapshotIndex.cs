using System.Globalization;
using System.Text;

namespace Keel.Mirror;

/// <summary>One verified file of a snapshot: its repository, repository-relative path, checksum and size.</summary>
internal sealed record IndexedFile(string RepositoryId, string RelativePath, string Checksum, long Size);

/// <summary>
/// The list of a snapshot's files with their checksums and the keys each repository was verified with, written into the
/// snapshot (.keel-mirror-index) when it is published. The next sync reuses a file by its checksum from it without
/// hashing the whole mirror again, and re-verifies a repository whose trusted keys changed since.
/// </summary>
internal sealed class SnapshotIndex
{
    public const string FileName = ".keel-mirror-index";
    private const string Header = "keel-mirror-index 1";

    private readonly Dictionary<string, IndexedFile> _byChecksum = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly List<IndexedFile> _files = [];

    public IReadOnlyList<IndexedFile> Files => _files;

    /// <summary>The keys (sorted fingerprints, comma-separated) <paramref name="repositoryId"/> was verified with.</summary>
    public string? KeysOf(string repositoryId) => _keys.GetValueOrDefault(repositoryId);

    public bool HasRepository(string repositoryId) => _keys.ContainsKey(repositoryId);

    public IEnumerable<string> Repositories => _keys.Keys;

    public void SetKeys(string repositoryId, string fingerprints) => _keys[repositoryId] = fingerprints;

    public void Add(IndexedFile file)
    {
        _files.Add(file);
        _byChecksum.TryAdd(file.Checksum, file);
    }

    /// <summary>A file with this checksum ("sha256:hex"), from any repository of the snapshot.</summary>
    public IndexedFile? Find(string checksum) => _byChecksum.GetValueOrDefault(checksum);

    /// <summary>Reads a snapshot's index; an absent or unreadable one gives an empty index (nothing is reused).</summary>
    public static SnapshotIndex Read(string snapshotDirectory)
    {
        var index = new SnapshotIndex();
        var path = Path.Combine(snapshotDirectory, FileName);
        if (!File.Exists(path))
        {
            return index;
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        if (reader.ReadLine() != Header)
        {
            return index;
        }

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var f = line.Split('\t');
            if (f is ["keys", var repo, var fprs])
            {
                index.SetKeys(repo, fprs);
            }
            else if (f is ["file", var id, var checksum, var size, var rel] && long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                index.Add(new IndexedFile(id, rel, checksum, n));
            }
        }

        return index;
    }

    /// <summary>Writes the index into <paramref name="snapshotDirectory"/> (not yet published, so no temp file is needed).</summary>
    public void Write(string snapshotDirectory)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (var (repo, fprs) in _keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            text.Append("keys\t").Append(repo).Append('\t').Append(fprs).Append('\n');
        }

        foreach (var f in _files)
        {
            text.Append(CultureInfo.InvariantCulture, $"file\t{f.RepositoryId}\t{f.Checksum}\t{f.Size}\t{f.RelativePath}\n");
        }

        File.WriteAllText(Path.Combine(snapshotDirectory, FileName), text.ToString());
    }
}
