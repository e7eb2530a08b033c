namespace Keel.Provisioning.Config;

/// <summary>A node of a parsed cloud-config document: a mapping, a sequence or a scalar, with the line it came from.</summary>
public abstract class CloudNode
{
    private protected CloudNode(int line) => Line = line;

    /// <summary>1-based line in the source document, or 0 when the node was built in code.</summary>
    public int Line { get; }

    /// <summary>The JSON-schema type name of this node ("object", "array", "string", "integer", "number", "boolean", "null").</summary>
    public abstract string TypeName { get; }

    /// <summary>Returns the node as a mapping, or null if it is not one.</summary>
    public CloudMap? AsMap() => this as CloudMap;

    /// <summary>Returns the node as a sequence, or null if it is not one.</summary>
    public CloudList? AsList() => this as CloudList;

    /// <summary>Returns the node as a scalar, or null if it is not one.</summary>
    public CloudScalar? AsScalar() => this as CloudScalar;
}

/// <summary>An ordered mapping with string keys (YAML keys are converted to their text).</summary>
public sealed class CloudMap : CloudNode
{
    private readonly List<KeyValuePair<string, CloudNode>> _entries;
    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, int> _keyLines;

    /// <summary>Creates a mapping from entries; later duplicates replace earlier ones, as PyYAML does.</summary>
    public CloudMap(IEnumerable<KeyValuePair<string, CloudNode>> entries, int line = 0, IReadOnlyDictionary<string, int>? keyLines = null)
        : base(line)
    {
        _entries = [];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        _keyLines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (_index.TryGetValue(key, out var at))
            {
                _entries[at] = new(key, value);
            }
            else
            {
                _index[key] = _entries.Count;
                _entries.Add(new(key, value));
            }

            if (keyLines is not null && keyLines.TryGetValue(key, out var keyLine))
            {
                _keyLines[key] = keyLine;
            }
        }
    }

    /// <summary>An empty mapping.</summary>
    public static CloudMap Empty { get; } = new([]);

    /// <inheritdoc />
    public override string TypeName => "object";

    /// <summary>Entries in document order.</summary>
    public IReadOnlyList<KeyValuePair<string, CloudNode>> Entries => _entries;

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The value for <paramref name="key"/>, or null.</summary>
    public CloudNode? this[string key] => _index.TryGetValue(key, out var at) ? _entries[at].Value : null;

    /// <summary>Whether the key is present (even with a null value).</summary>
    public bool ContainsKey(string key) => _index.ContainsKey(key);

    /// <summary>The line of the key itself, falling back to the value's line.</summary>
    public int KeyLine(string key) => _keyLines.TryGetValue(key, out var l) ? l : this[key]?.Line ?? Line;

    /// <summary>Line numbers of keys, for copying into derived maps.</summary>
    internal IReadOnlyDictionary<string, int> KeyLines => _keyLines;

    /// <summary>A copy without the given keys.</summary>
    public CloudMap Without(params string[] keys) =>
        new(_entries.Where(e => !keys.Contains(e.Key, StringComparer.Ordinal)), Line, _keyLines);

    /// <summary>The value of <paramref name="key"/> as text, or null when absent, null or not a scalar.</summary>
    public string? GetString(string key) => this[key] is CloudScalar { IsNull: false } s ? s.Text : null;

    /// <summary>The value of <paramref name="key"/> as a boolean the way cloud-init's util.is_true/is_false read it.</summary>
    public bool GetBool(string key, bool defaultValue) => this[key] switch
    {
        CloudScalar { Kind: ScalarKind.Boolean } s => s.Text == "true",
        CloudScalar { Kind: ScalarKind.String } s when CloudScalar.TryParseLooseBool(s.Text, out var b) => b,
        _ => defaultValue,
    };
}

/// <summary>A sequence of nodes.</summary>
public sealed class CloudList : CloudNode
{
    /// <summary>Creates a sequence.</summary>
    public CloudList(IReadOnlyList<CloudNode> items, int line = 0)
        : base(line) => Items = items;

    /// <inheritdoc />
    public override string TypeName => "array";

    /// <summary>The items in order.</summary>
    public IReadOnlyList<CloudNode> Items { get; }
}

/// <summary>How a scalar was resolved (PyYAML's YAML 1.1 safe resolver).</summary>
public enum ScalarKind
{
    /// <summary>null, ~ or empty.</summary>
    Null,

    /// <summary>true/false/yes/no/on/off.</summary>
    Boolean,

    /// <summary>An integer (decimal, 0o/0 octal, 0x hex, 0b binary).</summary>
    Integer,

    /// <summary>A floating-point number.</summary>
    Float,

    /// <summary>Text.</summary>
    String,

    /// <summary>!!binary data; <see cref="CloudScalar.Text"/> holds base64.</summary>
    Binary,
}

/// <summary>A scalar: its resolved kind and its canonical text (integers in decimal, booleans as true/false).</summary>
public sealed class CloudScalar : CloudNode
{
    /// <summary>Creates a scalar.</summary>
    public CloudScalar(ScalarKind kind, string text, int line = 0)
        : base(line)
    {
        Kind = kind;
        Text = text;
    }

    /// <summary>The resolved kind.</summary>
    public ScalarKind Kind { get; }

    /// <summary>Canonical text: decimal for integers, "true"/"false", base64 for binary, "" for null.</summary>
    public string Text { get; }

    /// <summary>Whether this is a YAML null.</summary>
    public bool IsNull => Kind == ScalarKind.Null;

    /// <inheritdoc />
    public override string TypeName => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => "boolean",
        ScalarKind.Integer => "integer",
        ScalarKind.Float => "number",
        _ => "string",
    };

    /// <summary>Creates a string scalar.</summary>
    public static CloudScalar Str(string text, int line = 0) => new(ScalarKind.String, text, line);

    /// <summary>The bytes of a binary scalar, or the UTF-8 bytes of any other scalar.</summary>
    public byte[] GetBytes() => Kind == ScalarKind.Binary ? Convert.FromBase64String(Text) : System.Text.Encoding.UTF8.GetBytes(Text);

    /// <summary>Reads cloud-init's loose booleans ("yes", "on", "1", "true" ...).</summary>
    public static bool TryParseLooseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "on" or "yes" or "y":
                value = true;
                return true;
            case "false" or "0" or "off" or "no" or "n":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
