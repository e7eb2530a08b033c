using System.IO.Enumeration;
using Keel.Packaging;

namespace Keel.Repository;

/// <summary>dnf-style package globs: a pattern matches a package's name, name.arch, NEVRA or name-version(-release).</summary>
public static class PackageFilter
{
    /// <summary>Whether <paramref name="pattern"/> (with * and ? wildcards) matches <paramref name="package"/>.</summary>
    public static bool Matches(string pattern, PackageMetadata package)
    {
        if (Glob(pattern, package.Name) || Glob(pattern, package.Name + "." + package.Arch) || Glob(pattern, package.Nevra))
        {
            return true;
        }

        // Only patterns that could name a version pay for building the other spellings.
        if (!pattern.Contains('-', StringComparison.Ordinal))
        {
            return false;
        }

        var evr = package.Evr;
        var full = $"{package.Name}-{evr.ToFullString()}.{package.Arch}";
        return Glob(pattern, full) || Glob(pattern, $"{package.Name}-{evr.Version}") || Glob(pattern, $"{package.Name}-{evr}");
    }

    /// <summary>Whether any of <paramref name="patterns"/> matches.</summary>
    public static bool MatchesAny(IReadOnlyList<string> patterns, PackageMetadata package)
    {
        foreach (var p in patterns)
        {
            if (Matches(p, package))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>fnmatch-style matching of * and ? (and literal text otherwise), case-sensitive as rpm names are.</summary>
    public static bool Glob(string pattern, string text) =>
        pattern.AsSpan().IndexOfAny('*', '?') < 0
            ? string.Equals(pattern, text, StringComparison.Ordinal)
            : FileSystemName.MatchesSimpleExpression(pattern, text, ignoreCase: false);
}
