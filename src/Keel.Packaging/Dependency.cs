namespace Keel.Packaging;

/// <summary>One dependency as rpm stores it: a name (or a rich expression in parentheses), comparison flags and an EVR.</summary>
public sealed record Dependency(string Name, DependencyFlags Flags = DependencyFlags.Any, Evr? Evr = null)
{
    /// <summary>True when the name is a rich (boolean) dependency such as "(a or b)".</summary>
    public bool IsRich => Name.Length > 0 && Name[0] == '(';

    /// <summary>True for file-path dependencies ("/usr/bin/sh").</summary>
    public bool IsFile => Name.Length > 0 && Name[0] == '/';

    /// <summary>Parses "name", "name OP evr" (spaces around the operator) or a rich expression.</summary>
    public static Dependency Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.StartsWith('('))
        {
            return new Dependency(text);
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 3 && DependencyOperators.TryParse(parts[1], out var flags))
        {
            return new Dependency(parts[0], flags, Evr.Parse(parts[2]));
        }

        if (parts.Length == 1)
        {
            return new Dependency(parts[0]);
        }

        throw new FormatException($"dependency '{text}': expected 'NAME' or 'NAME OP EVR'");
    }

    /// <summary>
    /// Whether a provide and a require of the same name overlap, by rpm's rules (rpmverOverlap): an unversioned
    /// side always matches, a missing epoch equals zero, and a missing release matches any release when the
    /// side without it includes equality.
    /// </summary>
    public static bool RangesOverlap(DependencyFlags aFlags, Evr? a, DependencyFlags bFlags, Evr? b)
    {
        aFlags &= DependencyFlags.SenseMask;
        bFlags &= DependencyFlags.SenseMask;
        if (aFlags == DependencyFlags.Any || bFlags == DependencyFlags.Any || a is null || b is null)
        {
            return true;
        }

        int sense = 0;
        bool aHasE = !string.IsNullOrEmpty(a.Epoch), bHasE = !string.IsNullOrEmpty(b.Epoch);
        if (aHasE && bHasE)
        {
            sense = RpmVersion.Compare(a.Epoch, b.Epoch);
        }
        else if (aHasE && a.EpochNumber > 0)
        {
            sense = 1;
        }
        else if (bHasE && b.EpochNumber > 0)
        {
            sense = -1;
        }

        if (sense == 0)
        {
            sense = RpmVersion.Compare(a.Version, b.Version);
            if (sense == 0)
            {
                bool aHasR = !string.IsNullOrEmpty(a.Release), bHasR = !string.IsNullOrEmpty(b.Release);
                if (aHasR && bHasR)
                {
                    sense = RpmVersion.Compare(a.Release, b.Release);
                }
                else if ((aHasR && bFlags.HasFlag(DependencyFlags.Equal)) || (bHasR && aFlags.HasFlag(DependencyFlags.Equal)))
                {
                    return true;
                }
            }
        }

        return sense switch
        {
            < 0 => aFlags.HasFlag(DependencyFlags.Greater) || bFlags.HasFlag(DependencyFlags.Less),
            > 0 => aFlags.HasFlag(DependencyFlags.Less) || bFlags.HasFlag(DependencyFlags.Greater),
            _ => (aFlags.HasFlag(DependencyFlags.Equal) && bFlags.HasFlag(DependencyFlags.Equal))
                || (aFlags.HasFlag(DependencyFlags.Less) && bFlags.HasFlag(DependencyFlags.Less))
                || (aFlags.HasFlag(DependencyFlags.Greater) && bFlags.HasFlag(DependencyFlags.Greater)),
        };
    }

    /// <summary>Whether this (as a provide) satisfies <paramref name="require"/>: same name and overlapping ranges.</summary>
    public bool Satisfies(Dependency require) =>
        string.Equals(Name, require.Name, StringComparison.Ordinal) && RangesOverlap(Flags, Evr, require.Flags, require.Evr);

    /// <summary>Formats as rpm prints a dependency.</summary>
    public override string ToString() =>
        Evr is null || (Flags & DependencyFlags.SenseMask) == DependencyFlags.Any
            ? Name
            : $"{Name} {DependencyOperators.ToSymbol(Flags)} {Evr.ToFullString()}";
}
