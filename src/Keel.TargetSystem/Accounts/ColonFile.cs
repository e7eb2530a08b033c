namespace Keel.TargetSystem.Accounts;

/// <summary>
/// One of /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow inside a target root: colon-separated records, other lines
/// (comments, NIS "+" entries) kept as they are. Saved atomically with the file's existing mode and owner.
/// </summary>
internal sealed class ColonFile
{
    private readonly TargetRoot _root;
    private readonly List<string> _lines;
    private readonly UnixFileMode _newFileMode;
    private bool _dirty;

    private ColonFile(TargetRoot root, string path, List<string> lines, UnixFileMode newFileMode, int fields, bool exists)
    {
        _root = root;
        Exists = exists;
        Path = path;
        _lines = lines;
        _newFileMode = newFileMode;
        Fields = fields;
    }

    public string Path { get; }

    public int Fields { get; }

    /// <summary>Whether the file was there when loaded.</summary>
    public bool Exists { get; }

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

    public IEnumerable<string[]> Records => _lines.Where(IsRecord).Select(l => l.Split(':'));

    public string[]? Find(string name) => Records.FirstOrDefault(r => r[0] == name);

    public void Add(params string[] fields)
    {
        _lines.Add(string.Join(':', fields));
        _dirty = true;
    }

    /// <summary>Removes every record named <paramref name="name"/>.</summary>
    public void Remove(string name)
    {
        if (_lines.RemoveAll(l => IsRecord(l) && l.Split(':')[0] == name) > 0)
        {
            _dirty = true;
        }
    }

    public void Update(string name, Func<string[], string[]> change)
    {
        for (var i = 0; i < _lines.Count; i++)
        {
            if (!IsRecord(_lines[i]))
            {
                continue;
            }

            var fields = _lines[i].Split(':');
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
            if (updated != _lines[i])
            {
                _lines[i] = updated;
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

        var (uid, gid, mode) = NoFollow.Stat(_root, Path) ?? (0, 0, _newFileMode);
        NoFollow.WriteText(_root, Path, string.Join('\n', _lines) + "\n", mode, uid, gid);
        _dirty = false;
    }

    private static bool IsRecord(string line) => line.Length > 0 && line[0] is not ('#' or '+' or '-') && line.Contains(':', StringComparison.Ordinal);
}
