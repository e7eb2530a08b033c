using System.Text;

namespace Keel.TargetSystem.Repositories;

/// <summary>
/// dnf .repo files in a target root: one repository section per file, the id, option names and values checked so no
/// value can start a new line or section, written root:root 0644 through <see cref="NoFollow"/>.
/// </summary>
public static class RepoFiles
{
    /// <summary>Where dnf reads .repo files from.</summary>
    public const string DefaultDirectory = "/etc/yum.repos.d";

    // dnf reads indented continuation lines as further list items (baseurl, gpgkey, exclude ...).
    private const string Continuation = "\n        ";

    /// <summary>Returns <paramref name="id"/> if it can be a section name and a file name, else throws InvalidDataException starting with <paramref name="where"/>.</summary>
    public static string CheckId(string id, string where) =>
        id.Length == 0 || id is "." or ".." || id.Any(c => c is '/' or '\\' or '[' or ']' || char.IsControl(c) || char.IsWhiteSpace(c))
            ? throw new InvalidDataException($"{where}: repository id '{id}' may not contain path separators, brackets, spaces or control characters")
            : id;

    /// <summary>
    /// The text of a .repo file: the optional <paramref name="header"/> comment, the section and each option with its
    /// values (several values become continuation lines).
    /// </summary>
    public static string Render(string id, IEnumerable<(string Key, IReadOnlyList<string> Values)> options, string where, string? header = null)
    {
        var text = new StringBuilder();
        if (header is not null)
        {
            text.Append("# ").Append(SingleLine(header, where)).Append('\n');
        }

        text.Append('[').Append(CheckId(id, where)).Append("]\n");
        foreach (var (key, values) in options)
        {
            if (key.Length == 0 || key.Any(c => c is '=' or '[' or ']' or '#' or ';' || char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new InvalidDataException($"{where}: key '{key}' is not a valid repository option name");
            }

            text.Append(key).Append('=').AppendJoin(Continuation, values.Select(v => SingleLine(v, $"{where}: {key}"))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes a .repo file (root:root 0644), creating its directory; a symlink on the way or at the name is refused.</summary>
    public static void Write(TargetRoot root, string pathInRoot, string text)
    {
        var path = TargetRoot.CheckConfigPath(pathInRoot, "repository file");
        var directory = path[..path.LastIndexOf('/')];
        NoFollow.OpenDirectory(root, directory.Length == 0 ? "/" : directory, (UnixFileMode)0x1ed, 0, 0).Dispose();

        NoFollow.WriteText(root, path, text, (UnixFileMode)0x1a4, 0, 0);
    }

    private static string SingleLine(string text, string where) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal) || text.Contains('\0', StringComparison.Ordinal)
            ? throw new InvalidDataException($"{where}: value may not span lines")
            : text;
}
