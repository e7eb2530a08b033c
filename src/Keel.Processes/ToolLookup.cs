namespace Keel.Processes;

/// <summary>
/// The one place Keel finds host programs: $PATH, then /usr/sbin and /sbin, because root's tools (mkfs.*, sgdisk, blkid,
/// losetup) live there and the PATH of a non-login or sudo shell often lacks them.
/// </summary>
public static class ToolLookup
{
    private static readonly string[] SbinDirectories = ["/usr/sbin", "/sbin"];

    /// <summary>The directories searched when none are given: $PATH in order, then the sbin directories it lacks.</summary>
    public static IReadOnlyList<string> DefaultSearchPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(Path.IsPathRooted)
            .Concat(SbinDirectories)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>The full path of the executable <paramref name="program"/> in <paramref name="searchPath"/> (default: <see cref="DefaultSearchPath"/>), or null.</summary>
    public static string? Find(string program, IReadOnlyList<string>? searchPath = null)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(program) ? program : null;
        }

        foreach (var dir in searchPath ?? DefaultSearchPath())
        {
            var candidate = Path.Combine(dir, program);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The full path of <paramref name="program"/>, or FileNotFoundException naming <paramref name="debianPackage"/>.</summary>
    public static string Require(string program, string debianPackage, IReadOnlyList<string>? searchPath = null) =>
        Find(program, searchPath) ?? throw new FileNotFoundException($"{program}: not found on PATH (install the Debian package {debianPackage})");

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
