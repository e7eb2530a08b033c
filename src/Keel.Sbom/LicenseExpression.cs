namespace Keel.Sbom;

/// <summary>Tells SPDX license expressions (what current RPM License tags hold) from free text (older tags: "GPLv2+").</summary>
/// <remarks>
/// Only the grammar is checked (identifiers, "+", AND/OR/WITH, parentheses): identifiers are not looked up in the SPDX
/// license list, which Keel does not carry; a grammatical but unknown id such as "GPLv2+" therefore passes.
/// </remarks>
public static class LicenseExpression
{
    /// <summary>Whether <paramref name="text"/> is a well-formed SPDX license expression.</summary>
    public static bool IsSpdxExpression(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var tokens = text.Replace("(", " ( ", StringComparison.Ordinal).Replace(")", " ) ", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int pos = 0, depth = 0;
        return Expression(tokens, ref pos, ref depth) && pos == tokens.Length;
    }

    private static bool Expression(string[] tokens, ref int pos, ref int depth)
    {
        if (!Term(tokens, ref pos, ref depth))
        {
            return false;
        }

        while (pos < tokens.Length && tokens[pos] is "AND" or "OR")
        {
            pos++;
            if (!Term(tokens, ref pos, ref depth))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Term(string[] tokens, ref int pos, ref int depth)
    {
        if (pos >= tokens.Length)
        {
            return false;
        }

        if (tokens[pos] == "(")
        {
            if (++depth > 32)
            {
                return false;
            }

            pos++;
            if (!Expression(tokens, ref pos, ref depth) || pos >= tokens.Length || tokens[pos] != ")")
            {
                return false;
            }

            pos++;
            depth--;
            return true;
        }

        if (!IsId(tokens[pos], allowPlus: true))
        {
            return false;
        }

        pos++;
        if (pos < tokens.Length && tokens[pos] == "WITH")
        {
            pos++;
            if (pos >= tokens.Length || !IsId(tokens[pos], allowPlus: false))
            {
                return false;
            }

            pos++;
        }

        return true;
    }

    private static bool IsId(string token, bool allowPlus)
    {
        if (token is "AND" or "OR" or "WITH" or "(" or ")")
        {
            return false;
        }

        var id = allowPlus && token.EndsWith('+') ? token[..^1] : token;
        return id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' || (c == ':' && id.StartsWith("DocumentRef-", StringComparison.Ordinal)));
    }
}
