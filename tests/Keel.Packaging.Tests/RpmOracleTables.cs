using System.Text.RegularExpressions;

namespace Keel.Packaging.Tests;

/// <summary>Reads the test tables out of rpm's own autotest files, in place in the shared oracle tree.</summary>
internal static partial class RpmOracleTables
{
    public static string VercmpFile => Keel.Tests.TestPaths.Oracle("rpm", "tests", "rpmvercmp.at");

    public static string DepmatchFile => Keel.Tests.TestPaths.Oracle("rpm", "tests", "rpmdepmatch.at");

    /// <summary>Every active RPMVERCMP(a, b, expected) line; "dnl" lines are commented out upstream and skipped as rpm skips them.</summary>
    public static IEnumerable<(string A, string B, int Expected)> VercmpCases() =>
        File.ReadLines(VercmpFile)
            .Select(line => VercmpLine().Match(line))
            .Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Every ((provide), (require), match) tuple of rpmdepmatch.at.</summary>
    public static IEnumerable<(string[] Provide, string[] Require, bool Match)> DepmatchCases() =>
        File.ReadLines(DepmatchFile)
            .Select(line => DepmatchLine().Match(line))
            .Where(m => m.Success)
            .Select(m => (Tuple(m.Groups[1].Value), Tuple(m.Groups[2].Value), m.Groups[3].Value == "1"));

    private static string[] Tuple(string inner) =>
        [.. QuotedItem().Matches(inner).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"^RPMVERCMP\(([^,]*), ([^,]*), (-?\d)\)\s*$")]
    private static partial Regex VercmpLine();

    [GeneratedRegex(@"^\s*\(\(([^)]*)\),\s*\(([^)]*)\),\s*([01])\),")]
    private static partial Regex DepmatchLine();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex QuotedItem();
}
