namespace Keel.TargetSystem.Accounts;

/// <summary>
/// One of /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow inside a target root: colon-separated records, other lines
/// (comments, NIS "+" entries) kept as they are. Saved atomically with the file's existing mode and owner.
/// </summary>
internal sealed class ColonFile(TargetRoot root, string path, List<string> lines, UnixFileMode newFileMode, int fields, bool exists)
{
    private bool _dirty;

    public string Path { get; } = path;

    public int Fields { get; } = fields;

    /// <summary>Whether the file was there when loaded.</summary>
    public bool Exists { get; } = exists;

    public static ColonFile Load(TargetRoot root, string path, int fields, UnixFileMode newFileMode)
    {
        var text = NoFollow.ReadAllTextOrNull(root, path);
        var lines = (text ?? "").Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return new ColonFile(root, path, lines, newFileMode, fields, text is not null);
    }

    public IEnumerable<string[]> Records => lines.Where(IsRecord).Select(l => l.Split(':'));

    public string[]? Find(string name) => Records.FirstOrDefault(r => r[0] == name);

    public void Add(params string[] fields)
    {
        lines.Add(string.Join(':', fields));
        _dirty = true;
    }

    /// <summary>Removes every record named <paramref name="name"/>.</summary>
    public void Remove(string name)
    {
        if (lines.RemoveAll(l => IsRecord(l) && l.Split(':')[0] == name) > 0)
        {
            _dirty = true;
        }
    }

    public void Update(string name, Func<string[], string[]> change)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (!IsRecord(lines[i]))
            {
                continue;
            }

            var fields = lines[i].Split(':');
            if (fields[0] != name)
            {
                continue;
            }

            if (fields.Length < Fields)
            {
                Array.Resize(ref fields, Fields);
                for (var f = 0; f < fields.Length; f++)
                {
                    fields[f] ??= "";
                }
            }

            var updated = string.Join(':', change(fields));
            if (updated != lines[i])
            {
                lines[i] = updated;
                _dirty = true;
            }

            return;
        }
    }

    public void Save()
    {
        if (!_dirty)
        {
            return;
        }

        var (uid, gid, mode) = NoFollow.Stat(root, Path) ?? (0, 0, newFileMode);
        NoFollow.WriteText(root, Path, string.Join('\n', lines) + "\n", mode, uid, gid);
        _dirty = false;
    }

    private static bool IsRecord(string line) => line.Length > 0 && line[0] is not ('#' or '+' or '-') && line.Contains(':', StringComparison.Ordinal);
}
