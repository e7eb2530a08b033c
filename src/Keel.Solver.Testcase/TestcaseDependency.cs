using System.Text;
using Keel.Packaging;

namespace Keel.Solver.Testcase;

/// <summary>
/// Reads libsolv's testcase dependency syntax ("A = 1-1", "A &amp; B | C", "A &lt;IF&gt; B &lt;ELSE&gt; C", "A + B")
/// into Keel's <see cref="Dependency"/>: simple dependencies stay simple, boolean ones become an rpm rich
/// expression. Operators bind to the right, as testcase_str2dep reads them.
/// </summary>
public static class TestcaseDependency
{
    private static readonly (string Op, string Kind)[] Operators =
    [
        ("=", "="), ("<=>", "unsupported"), ("<=", "<="), (">=", ">="), (">", ">"), ("<>", "<>"),
        ("&", "and"), ("|", "or"), ("+", "with"), ("-", "without"), ("<NAMESPACE>", "unsupported"),
        (".", "unsupported"), ("<MULTIARCH>", "unsupported"), ("<FILECONFLICT>", "unsupported"), ("<IF>", "if"),
        ("compat >=", "unsupported"), ("<KIND>", "unsupported"), ("<ELSE>", "else"), ("<ERROR>", "unsupported"),
        ("<UNLESS>", "unless"), ("<CONDA>", "unsupported"), ("<", "<"),
    ];

    /// <summary>Parses one testcase dependency.</summary>
    /// <exception cref="FormatException">The text is not a dependency.</exception>
    /// <exception cref="NotSupportedException">It uses an operator Keel does not model (namespace, arch, ...).</exception>
    public static Dependency Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int pos = 0;
        var node = ParseComplex(text, ref pos, relop: false);
        SkipSpaces(text, ref pos);
        if (pos != text.Length)
        {
            throw new FormatException($"testcase dependency '{text}': unexpected text at offset {pos}");
        }

        if (node is Simple s)
        {
            return s.Dependency;
        }

        return new Dependency(Render(node, top: true));
    }

    private abstract record Node;

    private sealed record Simple(Dependency Dependency) : Node;

    private sealed record Token(string Text) : Node;

    private sealed record Op(string Kind, Node Left, Node Right) : Node;

    private static Node ParseComplex(string text, ref int pos, bool relop)
    {
        SkipSpaces(text, ref pos);
        if (text.StartsWith("namespace:", StringComparison.Ordinal))
        {
            throw new NotSupportedException("unsupported: namespace dependency '" + text + "'");
        }

        Node left;
        if (pos < text.Length && text[pos] == '(')
        {
            pos++;
            left = ParseComplex(text, ref pos, relop: false);
            if (pos >= text.Length || text[pos] != ')')
            {
                throw new FormatException($"testcase dependency '{text}': missing ')'");
            }

            pos++;
        }
        else
        {
            left = new Token(ReadSimple(text, ref pos));
        }

        while (true)
        {
            SkipSpaces(text, ref pos);
            if (pos >= text.Length || text[pos] == ')' || relop)
            {
                return relop ? left : Finish(left);
            }

            int at = pos;
            var (opText, kind) = Operators.FirstOrDefault(o => string.CompareOrdinal(text, at, o.Op, 0, o.Op.Length) == 0);
            if (opText is null)
            {
                throw new FormatException($"testcase dependency '{text}': unknown operator at offset {pos}");
            }

            if (kind == "unsupported")
            {
                throw new NotSupportedException($"unsupported: dependency operator '{opText}' in '{text}'");
            }

            pos += opText.Length;
            bool isRel = kind is "=" or "<" or ">" or "<=" or ">=" or "<>";
            var right = ParseComplex(text, ref pos, isRel);
            if (isRel)
            {
                if (left is not Token name || right is not Token evr)
                {
                    throw new FormatException($"testcase dependency '{text}': a version comparison needs a name and a version");
                }

                DependencyOperators.TryParse(kind, out var flags);
                left = new Simple(new Dependency(name.Text, flags, Evr.Parse(evr.Text)));
                continue;
            }

            return new Op(kind, Finish(left), right);
        }
    }

    private static Node Finish(Node n) => n is Token t ? new Simple(new Dependency(t.Text)) : n;

    private static string Render(Node node, bool top)
    {
        switch (node)
        {
            case Simple s:
                return s.Dependency.ToString();
            case Token t:
                return t.Text;
            case Op { Kind: "if" or "unless" } o when o.Right is Op { Kind: "else" } e:
                return $"({Render(o.Left, false)} {o.Kind} {Render(e.Left, false)} else {Render(e.Right, false)})";
            case Op { Kind: "else" }:
                throw new NotSupportedException("unsupported: <ELSE> outside <IF>/<UNLESS>");
            case Op o:
                var sb = new StringBuilder("(");
                sb.Append(Render(o.Left, false)).Append(' ').Append(o.Kind).Append(' ').Append(Render(o.Right, false)).Append(')');
                _ = top;
                return sb.ToString();
            default:
                throw new FormatException("bad dependency node");
        }
    }

    private static string ReadSimple(string text, ref int pos)
    {
        int start = pos, paren = 0;
        while (pos < text.Length)
        {
            char c = text[pos];
            if (c is ' ' or '\t')
            {
                break;
            }

            if (c == '(')
            {
                paren++;
            }
            else if (c == ')')
            {
                if (paren == 0)
                {
                    break;
                }

                paren--;
            }

            pos++;
        }

        if (pos == start)
        {
            throw new FormatException($"testcase dependency '{text}': expected a name at offset {pos}");
        }

        return text[start..pos];
    }

    private static void SkipSpaces(string text, ref int pos)
    {
        while (pos < text.Length && text[pos] is ' ' or '\t')
        {
            pos++;
        }
    }
}
