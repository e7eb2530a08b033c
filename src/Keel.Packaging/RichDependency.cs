namespace Keel.Packaging;

/// <summary>The operators of rpm's rich (boolean) dependencies.</summary>
public enum RichOperator
{
    And,
    Or,
    If,
    Unless,
    With,
    Without,
}

/// <summary>A parsed rich dependency: either a simple <see cref="Dependency"/> leaf or an operator node.</summary>
public abstract record RichDependency
{
    private const int MaxDepth = 64;

    /// <summary>Parses a rich dependency such as "(a &gt;= 1 or (b if c else d))"; a plain dependency gives a leaf.</summary>
    /// <exception cref="FormatException">The text is not a well-formed rich dependency.</exception>
    public static RichDependency Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int pos = 0;
        var result = ParseOperand(text, ref pos, 0);
        SkipSpaces(text, ref pos);
        if (pos != text.Length)
        {
            throw Error(text, pos, "unexpected text after the expression");
        }

        return result;
    }

    private static RichDependency ParseOperand(string text, ref int pos, int depth)
    {
        SkipSpaces(text, ref pos);
        if (pos >= text.Length)
        {
            throw Error(text, pos, "missing operand");
        }

        if (text[pos] == '(')
        {
            if (depth >= MaxDepth)
            {
                throw Error(text, pos, $"nesting deeper than {MaxDepth}");
            }

            pos++;
            var node = ParseGroup(text, ref pos, depth + 1);
            SkipSpaces(text, ref pos);
            if (pos >= text.Length || text[pos] != ')')
            {
                throw Error(text, pos, "missing ')'");
            }

            pos++;
            return node;
        }

        // A simple dependency: NAME [OP EVR]; a name may itself contain balanced parentheses (e.g. "perl(Foo)").
        string name = ReadToken(text, ref pos, allowParens: true);
        int save = pos;
        SkipSpaces(text, ref pos);
        int opStart = pos;
        while (pos < text.Length && text[pos] is '<' or '>' or '=' or '!')
        {
            pos++;
        }

        if (pos > opStart && DependencyOperators.TryParse(text[opStart..pos], out var flags))
        {
            SkipSpaces(text, ref pos);
            string evr = ReadToken(text, ref pos, allowParens: false);
            if (evr.Length == 0)
            {
                throw Error(text, pos, "missing version after operator");
            }

            return new RichLeaf(new Dependency(name, flags, Evr.Parse(evr)));
        }

        pos = save;
        return new RichLeaf(new Dependency(name));
    }

    private static RichDependency ParseGroup(string text, ref int pos, int depth)
    {
        var first = ParseOperand(text, ref pos, depth);
        SkipSpaces(text, ref pos);
        if (pos < text.Length && text[pos] == ')')
        {
            return first;
        }

        var opWord = ReadWord(text, ref pos);
        var op = opWord switch
        {
            "and" => RichOperator.And,
            "or" => RichOperator.Or,
            "if" => RichOperator.If,
            "unless" => RichOperator.Unless,
            "with" => RichOperator.With,
            "without" => RichOperator.Without,
            _ => throw Error(text, pos, $"unknown operator '{opWord}'"),
        };
        var operands = new List<RichDependency> { first, ParseOperand(text, ref pos, depth) };
        RichDependency? otherwise = null;
        while (true)
        {
            SkipSpaces(text, ref pos);
            if (pos >= text.Length || text[pos] == ')')
            {
                break;
            }

            int wordAt = pos;
            var next = ReadWord(text, ref pos);
            if (next == "else" && op is RichOperator.If or RichOperator.Unless && otherwise is null)
            {
                otherwise = ParseOperand(text, ref pos, depth);
                continue;
            }

            if (next != opWord || op is RichOperator.If or RichOperator.Unless or RichOperator.Without)
            {
                throw Error(text, wordAt, $"'{next}' cannot follow '{opWord}' in the same group; add parentheses");
            }

            operands.Add(ParseOperand(text, ref pos, depth));
        }

        return new RichNode(op, operands, otherwise);
    }

    private static string ReadWord(string text, ref int pos)
    {
        int start = pos;
        while (pos < text.Length && char.IsAsciiLetterLower(text[pos]))
        {
            pos++;
        }

        return text[start..pos];
    }

    private static string ReadToken(string text, ref int pos, bool allowParens)
    {
        int start = pos;
        int parens = 0;
        while (pos < text.Length)
        {
            char c = text[pos];
            if (c == ' ' || (parens == 0 && (c == ')' || c is '<' or '>' or '=' or '!')))
            {
                break;
            }

            if (c == '(')
            {
                if (!allowParens || pos == start)
                {
                    break;
                }

                parens++;
            }
            else if (c == ')')
            {
                parens--;
            }

            pos++;
        }

        if (pos == start)
        {
            throw Error(text, pos, "expected a name");
        }

        return text[start..pos];
    }

    private static void SkipSpaces(string text, ref int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }

    private static FormatException Error(string text, int pos, string what) =>
        new($"rich dependency '{text}': {what} at offset {pos}");
}

/// <summary>A simple dependency inside a rich expression.</summary>
public sealed record RichLeaf(Dependency Dependency) : RichDependency
{
    public override string ToString() => Dependency.ToString();
}

/// <summary>An operator applied to operands; <see cref="Else"/> only for if/unless.</summary>
public sealed record RichNode(RichOperator Operator, IReadOnlyList<RichDependency> Operands, RichDependency? Else) : RichDependency
{
    public override string ToString()
    {
        var op = Operator.ToString().ToLowerInvariant();
        var body = string.Join($" {op} ", Operands);
        return Else is null ? $"({body})" : $"({body} else {Else})";
    }
}
