using System.Text.RegularExpressions;
using Keel.Config.Loading;
using Keel.Config.Model;

namespace Keel.Config.Validation;

/// <summary>Checks users, groups and SSH settings.</summary>
internal static partial class AccountRules
{
    /// <summary>Groups Fedora's setup and systemd packages create, which users may join without declaring them.</summary>
    private static readonly string[] SystemGroups =
    [
        "root", "bin", "daemon", "sys", "adm", "tty", "disk", "lp", "mem", "kmem", "wheel", "cdrom", "mail", "man", "dialout",
        "floppy", "games", "tape", "video", "ftp", "lock", "audio", "users", "nobody", "utmp", "input", "kvm", "render",
        "systemd-journal", "ssh_keys",
    ];

    public static void Check(ValidationContext cx)
    {
        var config = cx.Loaded.Config;
        var groups = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < config.Groups.Count; i++)
        {
            var g = config.Groups[i];
            var path = $"groups[{i}]";
            CheckName(cx, g.Name, path + ".name", "group");
            if (!groups.Add(g.Name))
            {
                cx.Error(path + ".name", $"group '{g.Name}' is declared twice");
            }

            if (g.Gid is < 0 or > 60000)
            {
                cx.Error(path + ".gid", $"gid {g.Gid} is outside 0..60000");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < config.Users.Count; i++)
        {
            CheckUser(cx, config.Users[i], $"users[{i}]", names, groups);
        }

        var root = config.Users.FirstOrDefault(u => u.Name == "root");
        if (config.Ssh.PermitRootLogin == PermitRootLogin.Yes && config.Ssh.PasswordAuthentication && root?.PasswordHash is not null)
        {
            cx.Warn("ssh.permitRootLogin", "root can log in over SSH with a password", "use 'prohibit-password' and an authorized key");
        }
    }

    private static void CheckUser(ValidationContext cx, UserConfig u, string path, HashSet<string> names, HashSet<string> groups)
    {
        var config = cx.Loaded.Config;
        CheckName(cx, u.Name, path + ".name", "user");
        if (!names.Add(u.Name))
        {
            cx.Error(path + ".name", $"user '{u.Name}' is declared twice");
        }

        if (u.Locked && u.PasswordHash is not null)
        {
            cx.Error(path + ".locked", "a locked account cannot also have a passwordHash");
        }

        if (u.PasswordHash is { } hash && !CryptHash().IsMatch(hash))
        {
            cx.Error(path + ".passwordHash", "not a crypt(3) hash; never put a plain password here", "generate one with 'openssl passwd -6' or 'mkpasswd -m yescrypt'");
        }

        if (u.Uid is { } uid && (uid < 0 || uid > 60000 || (uid == 0) != (u.Name == "root")))
        {
            cx.Error(path + ".uid", u.Name == "root" ? "root's uid is 0" : $"uid {uid} is outside 1..60000");
        }

        if (!u.Shell.StartsWith('/'))
        {
            cx.Error(path + ".shell", $"'{u.Shell}' is not an absolute path", $"did you mean '/bin/{u.Shell}'?");
        }

        for (int g = 0; g < u.Groups.Count; g++)
        {
            if (!groups.Contains(u.Groups[g]) && !SystemGroups.Contains(u.Groups[g]))
            {
                cx.Warn($"{path}.groups[{g}]", $"group '{u.Groups[g]}' is neither declared in 'groups' nor a standard system group",
                    Suggestions.Hint(u.Groups[g], groups.Concat(SystemGroups)));
            }
        }

        for (int k = 0; k < u.SshAuthorizedKeys.Count; k++)
        {
            if (!AuthorizedKey().IsMatch(u.SshAuthorizedKeys[k]))
            {
                cx.Error($"{path}.sshAuthorizedKeys[{k}]", "not an OpenSSH public key line", "expected e.g. 'ssh-ed25519 AAAA... comment' (the .pub file)");
            }
        }

        if (u.PasswordHash is not null && u.SshAuthorizedKeys.Count == 0 && !config.Ssh.PasswordAuthentication && u.Name != "root")
        {
            cx.Warn(path, $"'{u.Name}' has a password but no SSH key and SSH password authentication is off: console login only");
        }
    }

    private static void CheckName(ValidationContext cx, string name, string path, string what)
    {
        if (!AccountName().IsMatch(name))
        {
            var lower = name.ToLowerInvariant();
            cx.Error(path, $"'{name}' is not a valid {what} name (lower case letters, digits, '_' and '-', starting with a letter or '_', at most 32)",
                AccountName().IsMatch(lower) ? $"did you mean '{lower}'?" : null);
        }
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,30}\$?$")]
    private static partial Regex AccountName();

    [GeneratedRegex(@"^\$(1|2[abxy]|5|6|y|gy|7|sha1)\$[./A-Za-z0-9$=,]+$")]
    private static partial Regex CryptHash();

    // Options may precede the key type (from="..."), so look for the type token anywhere followed by base64.
    [GeneratedRegex(@"(^|\s)(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+AAAA[A-Za-z0-9+/]+=*(\s|$)")]
    private static partial Regex AuthorizedKey();
}
