using Keel.Config.Model;
using Keel.Install.Planning;
using Keel.TargetSystem;
using Keel.TargetSystem.Accounts;

namespace Keel.Install.Settings;

/// <summary>
/// Creates the config's groups and users in the target's account files (as groupadd/useradd --root would), locks root
/// unless the config gives it a password, and gives sudo through the plan's sudo group.
/// </summary>
public static class AccountSettings
{
    /// <summary>
    /// Applies the accounts; each user joins the groups the plan decided (<paramref name="users"/>, from
    /// <see cref="ResolvedSettings.DecideUsers"/>), and <paramref name="now"/> is the shadow "last change" day
    /// (SOURCE_DATE_EPOCH for reproducible images).
    /// </summary>
    public static void Apply(TargetRoot root, MachineConfig config, IReadOnlyList<ResolvedUser> users, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(users);
        var groupsOf = users.ToDictionary(u => u.Name, u => u.Groups, StringComparer.Ordinal);
        var db = AccountDatabase.Load(root, now);
        foreach (var g in config.Groups)
        {
            db.AddGroup(g.Name, g.Gid);
        }

        var created = new List<(UserConfig Config, PasswdEntry Entry)>();
        foreach (var u in config.Users)
        {
            var entry = u.Name == "root"
                ? db.FindUser("root") ?? throw new InvalidDataException("system.users: the target has no root account in /etc/passwd; is the setup package installed?")
                : db.AddUser(new NewUser(u.Name) { Uid = u.Uid, Shell = u.Shell, PasswordHash = u.PasswordHash });
            if (u.Name == "root" && u.PasswordHash is not null)
            {
                db.SetPasswordHash("root", u.PasswordHash);
            }

            if (u.Locked)
            {
                db.Lock(u.Name);
            }

            var groups = groupsOf.TryGetValue(u.Name, out var decided) ? decided
                : throw new ArgumentException($"system.users: user '{u.Name}' is not in the plan's decided users", nameof(users));
            foreach (var group in groups)
            {
                if (db.FindGroup(group) is null)
                {
                    // wheel comes with the distribution's setup package; create it as a system group when it does not.
                    db.AddGroup(group, system: group == ResolvedSettings.SudoGroup);
                }

                db.AddMember(group, u.Name);
            }

            created.Add((u, entry));
        }

        if (!config.Users.Any(u => u.Name == "root" && u.PasswordHash is not null))
        {
            db.Lock("root");
        }

        db.Save();

        foreach (var (u, entry) in created)
        {
            if (u.Name != "root")
            {
                MakeHome(root, entry, db.HomeMode);
            }

            if (u.SshAuthorizedKeys.Count > 0)
            {
                AuthorizedKeysFile.Replace(root, entry, u.SshAuthorizedKeys);
            }
        }

        WriteSudoers(root, config);
    }

    private static void MakeHome(TargetRoot root, PasswdEntry user, UnixFileMode mode)
    {
        var home = TargetRoot.CheckConfigPath(user.Home, $"user {user.Name} home");
        if (!root.Exists(home))
        {
            NoFollow.OpenDirectory(root, home, mode, user.Uid, user.Gid).Dispose();
        }
    }

    // wheel may use sudo with its password. A sudo user without a usable password could never type one, so that user
    // gets NOPASSWD, as cloud-init's default user does.
    private static void WriteSudoers(TargetRoot root, MachineConfig config)
    {
        var sudoers = config.Users.Where(u => u.Sudo).ToList();
        if (sudoers.Count == 0)
        {
            return;
        }

        var rules = sudoers.Where(u => u.PasswordHash is null || u.Locked).Select(u => $"{u.Name} ALL=(ALL) NOPASSWD:ALL").Prepend($"%{ResolvedSettings.SudoGroup} ALL=(ALL) ALL");
        Sudoers.WriteDropIn(root, "90-keel", $"Written by keel: members of {ResolvedSettings.SudoGroup} may use sudo.", rules);
    }
}
