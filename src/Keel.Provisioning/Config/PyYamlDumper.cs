using System.Text;
using System.Text.RegularExpressions;

namespace Keel.Provisioning.Config;

/// <summary>
/// Writes a cloud-config node the way PyYAML's <c>yaml.dump(..., default_flow_style=False)</c> with the SafeDumper does
/// (keys sorted, block style, PyYAML's choice between plain, single- and double-quoted scalars and its folding at 80
/// columns), so files cloud-init writes with yaml.dump (salt's minion and grains, puppet's csr_attributes.yaml) come out
/// byte for byte the same. Double-quoted scalars (control or non-ASCII characters) are escaped but not folded.
/// </summary>
public static partial class PyYamlDumper
{
    private const int BestWidth = 80;

    /// <summary>The YAML text for <paramref name="node"/>; <paramref name="explicitMarkers"/> adds "---" and "..." as cloud-init's safeyaml.dumps does.</summary>
    public static string Dump(CloudNode node, int indent = 2, bool explicitMarkers = false)
    {
        var w = new Writer(indent);
        if (explicitMarkers)
        {
            w.Indicator("---", needWhitespace: true);
        }

        w.Node(node, root: true, sequence: false, mapping: false, simpleKey: false);
        w.WriteIndent();
        if (explicitMarkers)
        {
            w.Indicator("...", needWhitespace: true);
            w.WriteIndent();
        }

        return w.ToString();
    }

    // PyYAML's implicit resolvers beyond the ones the reader has (timestamps, merge keys, the value key '=').
    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")]
    private static partial Regex TimestampPattern();

    private static bool ResolvesToString(string text) =>
        text.Length > 0 && YamlConfigReader.ResolvePlain(text, 0).Kind == ScalarKind.String && !TimestampPattern().IsMatch(text) && text is not ("<<" or "=");

    private sealed class Writer(int bestIndent)
    {
        private readonly StringBuilder _out = new();
        private readonly Stack<int?> _indents = new();
        private int? _indent;
        private int _column;
        private bool _whitespace = true;
        private bool _indention = true;

        public override string ToString() => _out.ToString();

        public void Node(CloudNode node, bool root, bool sequence, bool mapping, bool simpleKey)
        {
            switch (node)
            {
                case CloudMap { Count: 0 }:
                    Indicator("{}", needWhitespace: true);
                    break;
                case CloudList { Items.Count: 0 }:
                    Indicator("[]", needWhitespace: true);
                    break;
                case CloudMap map:
                    BlockMapping(map);
                    break;
                case CloudList list:
                    BlockSequence(list, indentless: mapping && !_indention);
                    break;
                case CloudScalar scalar:
                    Scalar(scalar, simpleKey);
                    break;
            }

            _ = root;
            _ = sequence;
        }

        private void IncreaseIndent(bool flow = false, bool indentless = false)
        {
            _indents.Push(_indent);
            if (_indent is null)
            {
                _indent = flow ? bestIndent : 0;
            }
            else if (!indentless)
            {
                _indent += bestIndent;
            }
        }

        private void BlockSequence(CloudList list, bool indentless)
        {
            IncreaseIndent(indentless: indentless);
            foreach (var item in list.Items)
            {
                WriteIndent();
                Indicator("-", needWhitespace: true, indention: true);
                Node(item, root: false, sequence: true, mapping: false, simpleKey: false);
            }

            _indent = _indents.Pop();
        }

        private void BlockMapping(CloudMap map)
        {
            IncreaseIndent();
            foreach (var (key, value) in map.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                WriteIndent();
                var keyNode = CloudScalar.Str(key);
                if (key.Length < 128 && !key.Contains('\n', StringComparison.Ordinal))
                {
                    Node(keyNode, root: false, sequence: false, mapping: true, simpleKey: true);
                    Indicator(":", needWhitespace: false);
                }
                else
                {
                    Indicator("?", needWhitespace: true, indention: true);
                    Node(keyNode, root: false, sequence: false, mapping: true, simpleKey: false);
                    WriteIndent();
                    Indicator(":", needWhitespace: true, indention: true);
                }

                Node(value, root: false, sequence: false, mapping: true, simpleKey: false);
            }

            _indent = _indents.Pop();
        }

        private void Scalar(CloudScalar scalar, bool simpleKey)
        {
            IncreaseIndent(flow: true);
            switch (scalar.Kind)
            {
                case ScalarKind.Null:
                    Plain("null", split: !simpleKey);
                    break;
                case ScalarKind.Boolean or ScalarKind.Integer or ScalarKind.Float:
                    Plain(scalar.Text, split: !simpleKey);
                    break;
                case ScalarKind.Binary:
                    throw new InvalidDataException("a !!binary value cannot be written to a YAML configuration file");
                default:
                    var text = scalar.Text;
                    var a = Analyze(text);
                    var multiline = text.Contains('\n', StringComparison.Ordinal) || text.Any(c => c is '\u0085' or '\u2028' or '\u2029');
                    if (ResolvesToString(text) && !(simpleKey && (text.Length == 0 || multiline)) && a.AllowBlockPlain)
                    {
                        Plain(text, split: !simpleKey);
                    }
                    else if (a.AllowSingleQuoted && !(simpleKey && multiline))
                    {
                        SingleQuoted(text, split: !simpleKey);
                    }
                    else
                    {
                        DoubleQuoted(text);
                    }

                    break;
            }

            _indent = _indents.Pop();
        }

        public void WriteIndent()
        {
            var indent = _indent ?? 0;
            if (!_indention || _column > indent || (_column == indent && !_whitespace))
            {
                LineBreak();
            }

            if (_column < indent)
            {
                _whitespace = true;
                _out.Append(' ', indent - _column);
                _column = indent;
            }
        }

        public void Indicator(string indicator, bool needWhitespace, bool whitespace = false, bool indention = false)
        {
            var data = _whitespace || !needWhitespace ? indicator : " " + indicator;
            _whitespace = whitespace;
            _indention = _indention && indention;
            _column += data.Length;
            _out.Append(data);
        }

        private void LineBreak(char br = '\n')
        {
            _whitespace = true;
            _indention = true;
            _column = 0;
            _out.Append(br);
        }

        private void Raw(string data)
        {
            _column += data.Length;
            _out.Append(data);
        }

        private void Plain(string text, bool split)
        {
            if (text.Length == 0)
            {
                return;
            }

            if (!_whitespace)
            {
                Raw(" ");
            }

            _whitespace = false;
            _indention = false;
            var spaces = false;
            var breaks = false;
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch != ' ')
                    {
                        if (start + 1 == end && _column > BestWidth && split)
                        {
                            WriteIndent();
                            _whitespace = false;
                            _indention = false;
                        }
                        else
                        {
                            Raw(text[start..end]);
                        }

                        start = end;
                    }
                }
                else if (breaks)
                {
                    if (ch is null || !IsBreak(ch.Value))
                    {
                        if (text[start] == '\n')
                        {
                            LineBreak();
                        }

                        foreach (var br in text[start..end])
                        {
                            LineBreak(br);
                        }

                        WriteIndent();
                        _whitespace = false;
                        _indention = false;
                        start = end;
                    }
                }
                else if (ch is null || ch == ' ' || IsBreak(ch.Value))
                {
                    Raw(text[start..end]);
                    start = end;
                }

                if (ch is not null)
                {
                    spaces = ch == ' ';
                    breaks = IsBreak(ch.Value);
                }

                end++;
            }
        }

        private void SingleQuoted(string text, bool split)
        {
            Indicator("'", needWhitespace: true);
            var spaces = false;
            var breaks = false;
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch != ' ')
                    {
                        if (start + 1 == end && _column > BestWidth && split && start != 0 && end != text.Length)
                        {
                            WriteIndent();
                        }
                        else
                        {
                            Raw(text[start..end]);
                        }

                        start = end;
                    }
                }
                else if (breaks)
                {
                    if (ch is null || !IsBreak(ch.Value))
                    {
                        if (text[start] == '\n')
                        {
                            LineBreak();
                        }

                        foreach (var br in text[start..end])
                        {
                            LineBreak(br);
                        }

                        WriteIndent();
                        start = end;
                    }
                }
                else if (ch is null || ch == ' ' || ch == '\'' || IsBreak(ch.Value))
                {
                    if (start < end)
                    {
                        Raw(text[start..end]);
                        start = end;
                    }
                }

                if (ch == '\'')
                {
                    Raw("''");
                    start = end + 1;
                }

                if (ch is not null)
                {
                    spaces = ch == ' ';
                    breaks = IsBreak(ch.Value);
                }

                end++;
            }

            Indicator("'", needWhitespace: false);
        }

        private void DoubleQuoted(string text)
        {
            Indicator("\"", needWhitespace: true);
            var sb = new StringBuilder();
            foreach (var ch in text)
            {
                sb.Append(ch switch
                {
                    '\0' => "\\0",
                    '\a' => "\\a",
                    '\b' => "\\b",
                    '\t' => "\\t",
                    '\n' => "\\n",
                    '\v' => "\\v",
                    '\f' => "\\f",
                    '\r' => "\\r",
                    '\x1b' => "\\e",
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\u0085' => "\\N",
                    '\u00a0' => "\\_",
                    '\u2028' => "\\L",
                    '\u2029' => "\\P",
                    < ' ' or (> '~' and <= '\u00ff') => $"\\x{(int)ch:X2}",
                    > '~' => $"\\u{(int)ch:X4}",
                    _ => ch.ToString(),
                });
            }

            Raw(sb.ToString());
            Indicator("\"", needWhitespace: false);
        }

        private static bool IsBreak(char c) => c is '\n' or '\u0085' or '\u2028' or '\u2029';

        private static (bool AllowBlockPlain, bool AllowSingleQuoted) Analyze(string text)
        {
            if (text.Length == 0)
            {
                return (true, true);
            }

            bool blockIndicators = false, lineBreaks = false, special = false;
            bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
            bool breakSpace = false, spaceBreak = false;
            if (text.StartsWith("---", StringComparison.Ordinal) || text.StartsWith("...", StringComparison.Ordinal))
            {
                blockIndicators = true;
            }

            var precededByWhitespace = true;
            var followedByWhitespace = text.Length == 1 || IsBlankOrBreak(text[1]);
            bool previousSpace = false, previousBreak = false;
            for (var index = 0; index < text.Length; index++)
            {
                var ch = text[index];
                if (index == 0)
                {
                    if ("#,[]{}&*!|>'\"%@`".Contains(ch, StringComparison.Ordinal))
                    {
                        blockIndicators = true;
                    }

                    if (ch is '?' or ':' && followedByWhitespace)
                    {
                        blockIndicators = true;
                    }

                    if (ch == '-' && followedByWhitespace)
                    {
                        blockIndicators = true;
                    }
                }
                else
                {
                    if (ch == ':' && followedByWhitespace)
                    {
                        blockIndicators = true;
                    }

                    if (ch == '#' && precededByWhitespace)
                    {
                        blockIndicators = true;
                    }
                }

                if (IsBreak(ch))
                {
                    lineBreaks = true;
                }

                if (!(ch == '\n' || (ch >= ' ' && ch <= '~')))
                {
                    // yaml.dump's default allow_unicode=False makes every other character special.
                    special = true;
                }

                if (ch == ' ')
                {
                    if (index == 0)
                    {
                        leadingSpace = true;
                    }

                    if (index == text.Length - 1)
                    {
                        trailingSpace = true;
                    }

                    if (previousBreak)
                    {
                        breakSpace = true;
                    }

                    previousSpace = true;
                    previousBreak = false;
                }
                else if (IsBreak(ch))
                {
                    if (index == 0)
                    {
                        leadingBreak = true;
                    }

                    if (index == text.Length - 1)
                    {
                        trailingBreak = true;
                    }

                    if (previousSpace)
                    {
                        spaceBreak = true;
                    }

                    previousSpace = false;
                    previousBreak = true;
                }
                else
                {
                    previousSpace = false;
                    previousBreak = false;
                }

                precededByWhitespace = IsBlankOrBreak(ch) || ch == '\0';
                followedByWhitespace = index + 2 >= text.Length || IsBlankOrBreak(text[index + 2]);
            }

            var allowBlockPlain = true;
            var allowSingle = true;
            if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
            {
                allowBlockPlain = false;
            }

            if (breakSpace)
            {
                allowBlockPlain = false;
                allowSingle = false;
            }

            if (spaceBreak || special)
            {
                allowBlockPlain = false;
                allowSingle = false;
            }

            if (lineBreaks || blockIndicators)
            {
                allowBlockPlain = false;
            }

            return (allowBlockPlain, allowSingle);
        }

        private static bool IsBlankOrBreak(char c) => c is ' ' or '\t' or '\r' or '\0' || IsBreak(c);
    }
}
