using Keel.Provisioning.Engine;
using Keel.TargetSystem;
using Keel.TargetSystem.Accounts;

namespace Keel.Provisioning.Modules;

/// <summary>cloud-init's ssh_util.setup_user_keys: ~/.ssh (0700) and authorized_keys (0600) owned by the user; existing keys kept, new keys appended once.</summary>
public static class AuthorizedKeys
{
    /// <summary>
    /// Adds <paramref name="keys"/> to the user's authorized_keys in the target root. With <paramref name="options"/>,
    /// each key is written behind them and an existing line for the same key is replaced, as cloud-init does for root.
    /// </summary>
    public static void Add(ModuleContext context, PasswdEntry user, IEnumerable<string> keys, string? options = null)
    {
        var home = ConfigPathCheck.Absolute(user.Home, "user " + user.Name + " home");
        var sshDir = home.TrimEnd('/') + "/.ssh";
        var file = sshDir + "/authorized_keys";
        // The user owns home and .ssh: open them without following symlinks and create .ssh owned by them.
        NoFollow.OpenDirectory(context.Root, sshDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, user.Uid, user.Gid).Dispose();
        var lines = (NoFollow.ReadAllTextOrNull(context.Root, file) ?? "").Split('\n').Where(l => l.Length > 0).ToList();
        var known = lines.Select(KeyBlob).Where(b => b is not null).ToHashSet(StringComparer.Ordinal);
        foreach (var key in keys.Select(k => k.Trim()).Where(k => k.Length > 0 && !k.StartsWith('#')))
        {
            if (key.Contains('\n', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"user {user.Name}: an SSH key may not span lines");
            }

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
                var at = lines.FindIndex(l => KeyBlob(l) == blob);
                lines[at] = line;
            }
        }

        NoFollow.WriteText(context.Root, file, lines.Count == 0 ? "" : string.Join('\n', lines) + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite, user.Uid, user.Gid);
    }

    /// <summary>The base64 key blob of an authorized_keys line (after any options), or null when the line is not a key.</summary>
    internal static string? KeyBlob(string line)
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
}
