namespace Keel.TargetSystem.Accounts;

/// <summary>
/// sudo rules in a target root: drop-ins in /etc/sudoers.d (root:root 0440, the directory 0750) and the #includedir that
/// makes sudo read them. Every rule is checked to be one line, and every file is written through <see cref="NoFollow"/>,
/// so a symlink planted at a drop-in's name is refused rather than followed.
/// </summary>
public static class Sudoers
{
    /// <summary>The drop-in directory sudo reads.</summary>
    public const string DropInDirectory = "/etc/sudoers.d";

    /// <summary>sudo's main file.</summary>
    public const string MainFile = "/etc/sudoers";

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.GroupRead; // 0440, as visudo leaves it
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1e8; // 0750

    /// <summary>Returns <paramref name="rule"/> if it is one non-empty line without control characters, else throws InvalidDataException naming <paramref name="what"/>.</summary>
    public static string CheckRule(string rule, string what) =>
        rule.Trim().Length == 0 || rule.Any(char.IsControl)
            ? throw new InvalidDataException($"{what}: sudo rule '{rule.ReplaceLineEndings(" ")}' must be one non-empty line without control characters")
            : rule;

    /// <summary>Makes the drop-in <paramref name="name"/> hold exactly the header comment and <paramref name="rules"/>.</summary>
    public static void WriteDropIn(TargetRoot root, string name, string header, IEnumerable<string> rules)
    {
        var path = DropInPath(name);
        var lines = rules.Select(r => CheckRule(r, path)).Prepend("# " + CheckRule(header, path));
        Write(root, path, string.Join('\n', lines) + "\n");
    }

    /// <summary>
    /// Appends a block (a "# <paramref name="comment"/>" line and <paramref name="rules"/>) to the drop-in unless it is
    /// already there, creating the drop-in with the header comment; returns whether anything was written.
    /// </summary>
    public static bool AppendToDropIn(TargetRoot root, string name, string header, string comment, IEnumerable<string> rules)
    {
        var path = DropInPath(name);
        var block = "\n# " + CheckRule(comment, path) + "\n" + string.Concat(rules.Select(r => CheckRule(r, path) + "\n"));
        var existing = NoFollow.ReadAllTextOrNull(root, path);
        if (existing is not null && existing.Contains(block, StringComparison.Ordinal))
        {
            return false;
        }

        Write(root, path, (existing ?? "# " + CheckRule(header, path) + "\n") + block);
        return true;
    }

    /// <summary>
    /// cloud-init's ensure_sudo_dir: the drop-in directory exists with mode 0750 and /etc/sudoers includes it, adding the
    /// #includedir line (marked as added by <paramref name="addedBy"/>) when it does not.
    /// </summary>
    public static void EnsureIncluded(TargetRoot root, string addedBy)
    {
        NoFollow.EnsureDirectory(root, DropInDirectory, DirectoryMode);
        var sudoers = NoFollow.ReadAllTextOrNull(root, MainFile);
        var included = (sudoers ?? "").Split('\n').Select(l => l.Trim()).Any(l =>
            (l.StartsWith("#includedir", StringComparison.Ordinal) || l.StartsWith("@includedir", StringComparison.Ordinal))
            && l[11..].Trim().TrimEnd('/') == DropInDirectory);
        if (included)
        {
            return;
        }

        var addition = $"\n# Added by {addedBy}\n#includedir {DropInDirectory}\n";
        var text = sudoers is null ? "# See sudoers(5) for more information on '#include' directives:\n" + addition : sudoers + addition;
        var (uid, gid, mode) = NoFollow.Stat(root, MainFile) ?? (0, 0, FileMode);
        NoFollow.WriteText(root, MainFile, text, mode, uid, gid);
    }

    private static string DropInPath(string name) =>
        // sudo skips drop-ins whose names contain '.' or end in '~'; such a name would silently grant nothing.
        name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('.', StringComparison.Ordinal) || name.EndsWith('~') || name.Any(char.IsControl)
            ? throw new InvalidDataException($"sudoers drop-in name '{name}' must be a plain file name without '.', '/' or a trailing '~'")
            : $"{DropInDirectory}/{name}";

    private static void Write(TargetRoot root, string path, string text)
    {
        NoFollow.OpenDirectory(root, DropInDirectory, DirectoryMode, 0, 0).Dispose();
        NoFollow.WriteText(root, path, text, FileMode, 0, 0);
    }
}
