namespace Keel.Packaging;

/// <summary>rpm's RPMSENSE comparison bits (the values are rpm's own, as stored in headers).</summary>
[Flags]
public enum DependencyFlags
{
    /// <summary>No version comparison: the dependency matches any version.</summary>
    Any = 0,
    Less = 0x02,
    Greater = 0x04,
    Equal = 0x08,

    /// <summary>The bits that carry the comparison.</summary>
    SenseMask = Less | Greater | Equal,
}

/// <summary>Parsing and printing of comparison operators.</summary>
public static class DependencyOperators
{
    /// <summary>Parses "=", "==", "&lt;", "&lt;=", "=&lt;", "&gt;", "&gt;=", "=&gt;", "&lt;&gt;", "!=" and rpm-md's "EQ", "LT", "LE", "GT", "GE".</summary>
    public static bool TryParse(string op, out DependencyFlags flags)
    {
        flags = op switch
        {
            "=" or "==" or "EQ" => DependencyFlags.Equal,
            "<" or "LT" => DependencyFlags.Less,
            "<=" or "=<" or "LE" => DependencyFlags.Less | DependencyFlags.Equal,
            ">" or "GT" => DependencyFlags.Greater,
            ">=" or "=>" or "GE" => DependencyFlags.Greater | DependencyFlags.Equal,
            "<>" or "!=" or "NE" => DependencyFlags.Less | DependencyFlags.Greater,
            _ => (DependencyFlags)(-1),
        };
        return flags != (DependencyFlags)(-1);
    }

    /// <summary>The operator as rpm prints it.</summary>
    public static string ToSymbol(DependencyFlags flags) => (flags & DependencyFlags.SenseMask) switch
    {
        DependencyFlags.Equal => "=",
        DependencyFlags.Less => "<",
        DependencyFlags.Less | DependencyFlags.Equal => "<=",
        DependencyFlags.Greater => ">",
        DependencyFlags.Greater | DependencyFlags.Equal => ">=",
        DependencyFlags.Less | DependencyFlags.Greater => "<>",
        _ => string.Empty,
    };
}
