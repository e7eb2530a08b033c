namespace Keel.TargetSystem.Accounts;

/// <summary>
/// A user's ~/.ssh/authorized_keys in a target root, as cloud-init's ssh_util.setup_user_keys makes it: ~/.ssh 0700 and
/// the file 0600, both owned by the user. Home and .ssh belong to the user, so nothing on the way is followed if it is a
/// symlink (see <see cref="NoFollow"/>).
/// </summary>
public static class AuthorizedKeysFile
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The file's path inside the root for <paramref name="user"/>.</summary>
    public static string PathFor(PasswdEntry user) =>
        TargetRoot.CheckConfigPath(user.Home, $"user {user.Name} home").TrimEnd('/') + "/.ssh/authorized_keys";

    /// <summary>Makes the file hold exactly <paramref name="keys"/>, one per line (the install engine's config is the whole truth).</summary>
    public static void Replace(TargetRoot root, PasswdEntry user, IEnumerable<string> keys) =>
        Write(root, user, Check(user, keys).ToList());

    /// <summary>
    /// Adds <paramref name="keys"/>, keeping the keys already there and adding each new key once. With
    /// <paramref name="options"/> each key is written behind them and an existing line for the same key is replaced, as
    /// cloud-init does for root.
    /// </summary>
    public static void Add(TargetRoot root, PasswdEntry user, IEnumerable<string> keys, string? options = null)
    {
        var lines = (NoFollow.ReadAllTextOrNull(root, PathFor(user)) ?? "").Split('\n').Where(l => l.Length > 0).ToList();
        var known = lines.Select(KeyBlob).Where(b => b is not null).ToHashSet(StringComparer.Ordinal);
        foreach (var key in Check(user, keys))
        {
            var blob = KeyBlob(key);
            if (blob is null)
            {
                continue;
            }

            var line = string.IsNullOrEmpty(options) ? key : options + " " + key;
            if (known.Add(blob))
            {
                lines.Add(line);
            }
            else if (!string.IsNullOrEmpty(options))
            {
                lines[lines.FindIndex(l => KeyBlob(l) == blob)] = line;
            }
        }

        Write(root, user, lines);
    }

    /// <summary>The base64 key blob of an authorized_keys line (after any options), or null when the line is not a key.</summary>
    public static string? KeyBlob(string line)
    {
        var tokens = line.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            if (tokens[i].StartsWith("ssh-", StringComparison.Ordinal) || tokens[i].StartsWith("ecdsa-", StringComparison.Ordinal) || tokens[i].StartsWith("sk-", StringComparison.Ordinal))
            {
                return tokens[i + 1];
            }
        }

        return tokens.Length >= 2 ? tokens[1] : null;
    }

    // Blank and comment entries are dropped; a key spanning lines would smuggle in a second line (with its own options).
    private static IEnumerable<string> Check(PasswdEntry user, IEnumerable<string> keys) =>
        keys.Select(k => k.Trim()).Where(k => k.Length > 0 && !k.StartsWith('#')).Select(k =>
            k.Contains('\n', StringComparison.Ordinal) || k.Contains('\r', StringComparison.Ordinal) || k.Contains('\0', StringComparison.Ordinal)
                ? throw new InvalidDataException($"user {user.Name}: an SSH key may not span lines")
                : k);

    private static void Write(TargetRoot root, PasswdEntry user, List<string> lines)
    {
        var file = PathFor(user);
        var sshDirectory = file[..file.LastIndexOf('/')];
        NoFollow.EnsureDirectory(root, sshDirectory, DirectoryMode, user.Uid, user.Gid);
        NoFollow.WriteText(root, file, lines.Count == 0 ? "" : string.Join('\n', lines) + "\n", FileMode, user.Uid, user.Gid);
    }
}
