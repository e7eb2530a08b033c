using Keel.Repository.Integrity;

namespace Keel.Repository.Metadata;

/// <summary>One &lt;data&gt; entry of repomd.xml: a metadata file, where it is and how to check it.</summary>
public sealed record RepoMdData(
    string Type,
    string Location,
    Checksum Checksum,
    Checksum? OpenChecksum,
    long? Size,
    long? OpenSize,
    long? Timestamp,
    string? LocationBase = null);

/// <summary>A parsed repomd.xml: the revision and the metadata files it lists, in document order.</summary>
public sealed record RepoMdDocument(string? Revision, IReadOnlyList<RepoMdData> Data)
{
    /// <summary>SHA-256 (hex) of the repomd.xml bytes this was read from, set by the loader; null when read otherwise.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The entry of exactly this type, or null.</summary>
    public RepoMdData? Find(string type)
    {
        foreach (var d in Data)
        {
            if (d.Type == type)
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>
    /// The entries that carry <paramref name="baseType"/> (e.g. "group" → group_gz, group, group_xz, ...), best first:
    /// compressed XML before plain, zchunk and sqlite variants never. Callers fall back along the list when a file is absent.
    /// </summary>
    public IReadOnlyList<RepoMdData> Candidates(string baseType)
    {
        var list = new List<RepoMdData>();
        foreach (var d in Data)
        {
            if (d.Type == baseType || (d.Type.StartsWith(baseType + "_", StringComparison.Ordinal) && Rank(d, baseType) < int.MaxValue))
            {
                list.Add(d);
            }
        }

        list.Sort((a, b) => Rank(a, baseType).CompareTo(Rank(b, baseType)));
        return list;
    }

    /// <summary>Like <see cref="Candidates"/> but including zchunk entries, to tell "only zck exists" from "absent".</summary>
    public bool HasZchunkOnly(string baseType) =>
        Candidates(baseType).Count == 0 && Data.Any(d => d.Type == baseType + "_zck" || d.Location.EndsWith(".zck", StringComparison.Ordinal) && d.Type.StartsWith(baseType, StringComparison.Ordinal));

    private static int Rank(RepoMdData d, string baseType)
    {
        if (d.Location.EndsWith(".zck", StringComparison.Ordinal))
        {
            return int.MaxValue;
        }

        var suffix = d.Type.Length > baseType.Length ? d.Type[(baseType.Length + 1)..] : string.Empty;
        return suffix switch
        {
            // The plain entry of primary/filelists is itself compressed; for comps "group" is usually plain XML.
            "" => 1,
            "gz" => 0,
            "xz" => 2,
            "zst" or "zstd" => 2,
            "bz2" => 3,
            _ => int.MaxValue,
        };
    }
}
