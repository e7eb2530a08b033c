using Keel.Tests;

namespace Keel.Solver.Tests;

/// <summary>The shared libsolv testcases (read in place from the oracle directory).</summary>
internal static class LibsolvCases
{
    public static string Root { get; } = TestPaths.Oracle("libsolv", "test", "testcases");

    /// <summary>Every .t file, relative to <see cref="Root"/>, sorted.</summary>
    public static IReadOnlyList<string> All { get; } = Directory.Exists(Root)
        ? Directory.EnumerateFiles(Root, "*.t", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal)
            .ToList()
        : [];
}
