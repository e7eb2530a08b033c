namespace Keel.Config.Loading;

/// <summary>Where each key path of a loaded config appears in its YAML text (1-based line and column).</summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.Ordinal);

    internal void Add(string path, int line, int column) => _positions.TryAdd(path, (line, column));

    /// <summary>The position of <paramref name="path"/>, else of its nearest recorded parent, else 1:1.</summary>
    public (int Line, int Column) Find(string path)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (_positions.TryGetValue(p, out var pos))
            {
                return pos;
            }

            if (p.Length == 0)
            {
                return (1, 1);
            }
        }
    }

    /// <summary>True when the YAML text set this path explicitly (rather than the default applying).</summary>
    public bool Contains(string path) => _positions.ContainsKey(path);

    private static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
