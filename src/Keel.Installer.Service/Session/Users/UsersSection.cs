using Keel.Config.Model;
using Keel.Installer.Api;
using Keel.Installer.Service.Accounts;

namespace Keel.Installer.Service.Session.Users;

/// <summary>
/// Screen 8: root locked by default (the engine locks root when no root password is given), an administrator with sudo,
/// the password hashed the moment it arrives (SHA-512 crypt; the clear text is never kept, written or logged), and the
/// authorized keys, each of which must parse. Root unlocked means root gets the administrator's password.
/// </summary>
public sealed class UsersSection(Func<string, string> hashPassword)
{
    /// <summary>The SSH server's unit, enabled when the administrator has keys.</summary>
    public const string SshService = "sshd.service";

    private string? _hash;

    /// <summary>The section as clients see it: never the password, only whether one is set.</summary>
    public UserSettingsView View { get; private set; } = new(true, null, false, []);

    /// <summary>The section's own errors (no administrator, passwords that differ, keys that do not parse).</summary>
    public List<FieldError> OwnErrors { get; } = [];

    /// <summary>Applies <paramref name="settings"/> to the draft's users.</summary>
    public void Apply(UserSettings settings, MachineConfig draft)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(draft);
        OwnErrors.Clear();
        var name = settings.AdminName?.Trim() ?? "";
        if (name.Length == 0)
        {
            OwnErrors.Add(new FieldError("users[0].name", "an administrator name is required", "e.g. 'admin': root is locked, this account uses sudo"));
        }
        else if (name == "root")
        {
            OwnErrors.Add(new FieldError("users[0].name", "the administrator cannot be root", "choose another name; root stays locked unless you unlock it"));
        }

        if (settings.Password is not null || settings.PasswordAgain is not null)
        {
            if (!string.Equals(settings.Password, settings.PasswordAgain, StringComparison.Ordinal))
            {
                OwnErrors.Add(new FieldError("users[0].password", "the two passwords differ", "type the same password twice"));
            }
            else if (string.IsNullOrEmpty(settings.Password))
            {
                _hash = null;
            }
            else
            {
                _hash = hashPassword(settings.Password);
            }
        }

        var keys = new List<string>();
        for (int i = 0; i < settings.AuthorizedKeys.Count; i++)
        {
            var line = settings.AuthorizedKeys[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (AuthorizedKeysParser.Validate(line) is { } problem)
            {
                OwnErrors.Add(new FieldError($"users[0].sshAuthorizedKeys[{i}]", $"not an SSH public key: {problem}", "paste one line of an authorized_keys or .pub file"));
            }
            else
            {
                keys.Add(line);
            }
        }

        if (_hash is null && keys.Count == 0 && !OwnErrors.Any(e => e.Field == "users[0].password"))
        {
            OwnErrors.Add(new FieldError("users[0].password", "give the administrator a password or an SSH key, or nobody can log in", "root is locked"));
        }

        var users = new List<UserConfig>();
        if (!settings.RootLocked && _hash is not null)
        {
            users.Add(new UserConfig { Name = "root", PasswordHash = _hash });
        }

        users.Insert(0, new UserConfig { Name = name, PasswordHash = _hash, Sudo = true, SshAuthorizedKeys = keys });
        draft.Users = users;

        // Keys given (pasted or from a USB stick) mean logging in over SSH: the server runs, whatever the presets enable.
        draft.Services.Enable.Remove(SshService);
        if (keys.Count > 0)
        {
            draft.Services.Enable.Add(SshService);
        }
        if (!settings.RootLocked && _hash is null)
        {
            OwnErrors.Add(new FieldError("users[0].password", "an unlocked root needs a password: it gets the administrator's", "set a password, or keep root locked"));
        }

        View = new UserSettingsView(settings.RootLocked, name.Length == 0 ? null : name, _hash is not null, keys);
    }
}
