using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Keel.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keel.Provisioning.Config;

/// <summary>
/// Reads one YAML document into <see cref="CloudNode"/>s the way PyYAML's safe_load (which cloud-init uses) resolves it:
/// YAML 1.1 booleans (yes/no/on/off), 0-prefixed octal integers, !!binary, merge keys. Uses YamlDotNet's event parser only,
/// which needs no reflection and so stays NativeAOT-safe.
/// </summary>
public static partial class YamlConfigReader
{
    /// <summary>
    /// True for the ways this reader refuses a document: malformed YAML (FormatException) or one over the node budget
    /// (LimitExceededException). Callers that skip or report a refused part catch exactly these.
    /// </summary>
    public static bool IsRefusal(Exception exception) => exception is FormatException or LimitExceededException;

    /// <summary>Largest document accepted, in characters.</summary>
    public const int MaxDocumentChars = 16 * 1024 * 1024;

    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 128;

    /// <summary>
    /// Most nodes accepted in one document, counting an alias as the whole subtree it stands for: readers of the result
    /// (merging, the schema, JSON) walk it as a tree, so 600 bytes of nested aliases would otherwise become billions of nodes.
    /// </summary>
    public const int MaxNodes = 1_000_000;

    private const string TagPrefix = "tag:yaml.org,2002:";

    /// <summary>
    /// Parses <paramref name="text"/>; returns null for an empty document. Throws FormatException naming
    /// <paramref name="source"/> and the line, or LimitExceededException when the document expands to more than
    /// <see cref="MaxNodes"/> nodes.
    /// </summary>
    public static CloudNode? Parse(string text, string source)
    {
        if (text.Length > MaxDocumentChars)
        {
            throw new FormatException($"{source}: YAML document of {text.Length} characters exceeds the limit of {MaxDocumentChars}");
        }

        var state = new State(source);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, state, 0);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                throw new FormatException($"{source}: expected a single YAML document but found more than one");
            }

            return root is CloudScalar { IsNull: true } ? null : root;
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{source}:{ex.Start.Line}: malformed YAML: {OneLine(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws InvalidOperationException for some malformed flow collections, and its parser
            // ArgumentException for a global tag that is not a valid URI (found by bench/fuzz).
            throw new FormatException($"{source}:{state.LastLine}: malformed YAML after this line", ex);
        }
    }

    /// <summary>Parses a document that must be a mapping (or empty, giving an empty mapping).</summary>
    public static CloudMap ParseMap(string text, string source)
    {
        var node = Parse(text, source);
        return node switch
        {
            null => CloudMap.Empty,
            CloudMap map => map,
            _ => throw new FormatException($"{source}:{node.Line}: expected a YAML mapping at the top level but found {node.TypeName}"),
        };
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static CloudNode ReadNode(IParser parser, State state, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"{state.Source}: YAML nesting deeper than {MaxDepth}");
        }

        var ev = parser.Current ?? throw new FormatException($"{state.Source}: unexpected end of YAML");
        var line = checked((int)ev.Start.Line);
        state.LastLine = line;
        if (ev is AnchorAlias alias)
        {
            parser.MoveNext();
            if (!state.Anchors.TryGetValue(alias.Value.Value, out var target))
            {
                throw new FormatException($"{state.Source}:{line}: unknown YAML alias *{alias.Value.Value}");
            }

            // The alias is shared, not copied, but everything downstream walks it once per use.
            Count(state, target.Size, line);
            return target.Node;
        }

        var start = state.Expanded;
        Count(state, 1, line);
        switch (ev)
        {
            case Scalar scalar:
                parser.MoveNext();
                return Remember(state, scalar.Anchor, Resolve(scalar, state.Source, line), start);
            case SequenceStart seq:
                {
                    parser.MoveNext();
                    var items = new List<CloudNode>();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        items.Add(ReadNode(parser, state, depth + 1));
                    }

                    return Remember(state, seq.Anchor, new CloudList(items, line), start);
                }

            case MappingStart map:
                {
                    parser.MoveNext();
                    var entries = new List<KeyValuePair<string, CloudNode>>();
                    var keyLines = new Dictionary<string, int>(StringComparer.Ordinal);
                    var merged = new List<KeyValuePair<string, CloudNode>>();
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyEvent = parser.Current;
                        var key = ReadNode(parser, state, depth + 1);
                        var value = ReadNode(parser, state, depth + 1);
                        if (keyEvent is Scalar { Value: "<<", Style: ScalarStyle.Plain })
                        {
                            AddMerge(merged, value, state.Source, line);
                            continue;
                        }

                        var keyText = key is CloudScalar s ? s.Text : throw new FormatException($"{state.Source}:{key.Line}: mapping keys must be scalars");
                        entries.Add(new(keyText, value));
                        keyLines[keyText] = key.Line;
                    }

                    // Merge keys supply only what the mapping does not set itself, as PyYAML does.
                    var own = new HashSet<string>(entries.Select(e => e.Key), StringComparer.Ordinal);
                    var all = merged.Where(m => own.Add(m.Key)).Concat(entries);
                    return Remember(state, map.Anchor, new CloudMap(all, line, keyLines), start);
                }

            default:
                throw new FormatException($"{state.Source}:{line}: unexpected YAML event {ev.GetType().Name}");
        }
    }

    private static void AddMerge(List<KeyValuePair<string, CloudNode>> merged, CloudNode value, string source, int line)
    {
        var maps = value switch
        {
            CloudMap m => [m],
            CloudList l when l.Items.All(i => i is CloudMap) => l.Items.Cast<CloudMap>().ToList(),
            _ => throw new FormatException($"{source}:{line}: a YAML merge key (<<) needs a mapping or a list of mappings"),
        };
        var seen = new HashSet<string>(merged.Select(m => m.Key), StringComparer.Ordinal);
        foreach (var m in maps)
        {
            merged.AddRange(m.Entries.Where(e => seen.Add(e.Key)));
        }
    }

    private static void Count(State state, long nodes, int line)
    {
        state.Expanded += nodes;
        if (state.Expanded > MaxNodes)
        {
            throw new LimitExceededException(
                state.Source,
                $"{state.Source}: YAML document expands to more than {MaxNodes} nodes by line {line} (aliases count once per use); refused");
        }
    }

    private static CloudNode Remember(State state, YamlDotNet.Core.AnchorName anchor, CloudNode node, long start)
    {
        if (!anchor.IsEmpty)
        {
            state.Anchors[anchor.Value] = (node, state.Expanded - start);
        }

        return node;
    }

    /// <summary>
    /// Throws LimitExceededException naming <paramref name="source"/> when <paramref name="node"/>, walked as a tree
    /// (shared subtrees once per use), has more than <see cref="MaxNodes"/> nodes. Stops counting at the limit, so the
    /// check itself stays cheap; for documents combined after reading (merged parts).
    /// </summary>
    public static void CheckExpandedSize(CloudNode node, string source)
    {
        var pending = new Stack<CloudNode>();
        pending.Push(node);
        var count = 0;
        while (pending.Count > 0)
        {
            if (++count > MaxNodes)
            {
                throw new LimitExceededException(source, $"{source}: cloud-config expands to more than {MaxNodes} nodes (aliases count once per use); refused");
            }

            switch (pending.Pop())
            {
                case CloudMap map:
                    foreach (var entry in map.Entries)
                    {
                        pending.Push(entry.Value);
                    }

                    break;
                case CloudList list:
                    foreach (var item in list.Items)
                    {
                        pending.Push(item);
                    }

                    break;
            }
        }
    }

    private static CloudScalar Resolve(Scalar scalar, string source, int line)
    {
        var value = scalar.Value;
        var tag = scalar.Tag;
        if (!tag.IsEmpty && !tag.IsNonSpecific)
        {
            var name = tag.Value.StartsWith(TagPrefix, StringComparison.Ordinal) ? tag.Value[TagPrefix.Length..] : tag.Value;
            return name switch
            {
                "str" => new CloudScalar(ScalarKind.String, value, line),
                "binary" => new CloudScalar(ScalarKind.Binary, NormalizeBase64(value, source, line), line),
                "int" => ResolvePlain(value, line) is { Kind: ScalarKind.Integer } i ? i : throw Bad(source, line, $"'{MessageText.Printable(value)}' is not an integer"),
                "float" => ResolvePlain(value, line) is { Kind: ScalarKind.Float or ScalarKind.Integer } f ? new CloudScalar(ScalarKind.Float, f.Text, line) : throw Bad(source, line, $"'{MessageText.Printable(value)}' is not a float"),
                "bool" => ResolvePlain(value, line) is { Kind: ScalarKind.Boolean } b ? b : throw Bad(source, line, $"'{MessageText.Printable(value)}' is not a boolean"),
                "null" => new CloudScalar(ScalarKind.Null, "", line),
                _ => throw Bad(source, line, $"could not determine a constructor for the tag '{MessageText.Printable(tag.Value)}'"),
            };
        }

        return scalar.Style == ScalarStyle.Plain && tag.IsEmpty ? ResolvePlain(value, line) : new CloudScalar(ScalarKind.String, value, line);
    }

    private static FormatException Bad(string source, int line, string what) => new($"{source}:{line}: {what}");

    private static string NormalizeBase64(string value, string source, int line)
    {
        // Python's base64 decoder (which PyYAML uses) skips characters outside the alphabet.
        var compact = string.Concat(value.Where(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/'));
        if (compact.Length % 4 == 1)
        {
            throw Bad(source, line, "!!binary value is not valid base64");
        }

        compact = compact.PadRight(compact.Length + ((4 - (compact.Length % 4)) % 4), '=');
        try
        {
            return Convert.ToBase64String(Convert.FromBase64String(compact));
        }
        catch (FormatException)
        {
            throw Bad(source, line, "!!binary value is not valid base64");
        }
    }

    /// <summary>PyYAML's implicit resolvers for plain scalars.</summary>
    internal static CloudScalar ResolvePlain(string value, int line)
    {
        if (NullPattern().IsMatch(value))
        {
            return new CloudScalar(ScalarKind.Null, "", line);
        }

        if (BoolPattern().IsMatch(value))
        {
            var t = value[0] is 'y' or 'Y' or 't' or 'T' || value is "on" or "On" or "ON";
            return new CloudScalar(ScalarKind.Boolean, t ? "true" : "false", line);
        }

        if (IntPattern().IsMatch(value) && TryParseInt(value, out var big))
        {
            return new CloudScalar(ScalarKind.Integer, big.ToString(CultureInfo.InvariantCulture), line);
        }

        if (FloatPattern().IsMatch(value))
        {
            return new CloudScalar(ScalarKind.Float, value.Replace("_", "", StringComparison.Ordinal), line);
        }

        return new CloudScalar(ScalarKind.String, value, line);
    }

    private static bool TryParseInt(string value, out BigInteger result)
    {
        var v = value.Replace("_", "", StringComparison.Ordinal);
        var sign = BigInteger.One;
        if (v[0] is '-' or '+')
        {
            sign = v[0] == '-' ? BigInteger.MinusOne : BigInteger.One;
            v = v[1..];
        }

        result = BigInteger.Zero;
        if (v == "0")
        {
            return true;
        }

        if (v.StartsWith("0b", StringComparison.Ordinal))
        {
            return Accumulate(v[2..], 2, sign, out result);
        }

        if (v.StartsWith("0x", StringComparison.Ordinal))
        {
            return Accumulate(v[2..], 16, sign, out result);
        }

        if (v[0] == '0')
        {
            return Accumulate(v[1..], 8, sign, out result);
        }

        if (v.Contains(':', StringComparison.Ordinal))
        {
            foreach (var part in v.Split(':'))
            {
                result = (result * 60) + BigInteger.Parse(part, CultureInfo.InvariantCulture);
            }

            result *= sign;
            return true;
        }

        return Accumulate(v, 10, sign, out result);
    }

    private static bool Accumulate(string digits, int radix, BigInteger sign, out BigInteger result)
    {
        result = BigInteger.Zero;
        if (digits.Length == 0 || digits.Length > 4096)
        {
            return false;
        }

        foreach (var c in digits)
        {
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= radix)
            {
                return false;
            }

            result = (result * radix) + d;
        }

        result *= sign;
        return true;
    }

    [GeneratedRegex("^(?:~|null|Null|NULL|)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex("^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();

    private sealed class State(string source)
    {
        public string Source { get; } = source;

        /// <summary>Each anchor's node and its size expanded (itself plus every node under it, aliases expanded).</summary>
        public Dictionary<string, (CloudNode Node, long Size)> Anchors { get; } = new(StringComparer.Ordinal);

        /// <summary>Nodes read so far, aliases expanded.</summary>
        public long Expanded { get; set; }

        public int LastLine { get; set; } = 1;
    }
}
