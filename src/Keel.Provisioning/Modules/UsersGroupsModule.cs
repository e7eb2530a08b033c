using System.Globalization;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.TargetSystem;
using Keel.TargetSystem.Accounts;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's users_groups, writing the target root's account files directly: groups, then users (gecos, homedir,
/// primary_group, groups, shell, uid, system, no_create_home, passwd/hashed_passwd, lock_passwd, sudo,
/// ssh_authorized_keys). An existing user is not recreated, but its password, lock, sudo rules and keys are applied as
/// cloud-init does. The default user also receives meta-data public-keys and top-level ssh_authorized_keys.
/// </summary>
public sealed class UsersGroupsModule() : CloudConfigModule("users_groups", Frequency.PerInstance, Stage.Init)
{
    /// <summary>The sudoers drop-in cloud-init writes.</summary>
    public const string SudoersFile = Sudoers.DropInDirectory + "/" + SudoersName;

    private const string SudoersName = "90-cloud-init-users";

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var groups = UserSpecs.Groups(context.Config);
        var users = UserSpecs.Users(context.Config);
        if (groups.Count == 0 && users.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        var errors = new List<string>();
        var db = context.LoadAccounts();
        foreach (var (name, members, line) in groups)
        {
            try
            {
                db.AddGroup(name);
                foreach (var member in members)
                {
                    if (db.FindUser(member) is null)
                    {
                        context.Warnings.Add(new(Severity.Warning, $"groups (line {line})", $"user {member} does not exist; not added to group {name}"));
                        continue;
                    }

                    db.AddMember(name, member);
                }
            }
            catch (InvalidDataException ex)
            {
                errors.Add($"group {name}: {ex.Message}");
            }
        }

        db.Save();
        foreach (var user in users)
        {
            var name = user.GetString("name")!;
            try
            {
                CreateUser(context, db, user);
            }
            catch (Exception ex) when (ModuleFailures.IsExpected(ex))
            {
                errors.Add($"user {name} (line {user.Line}): {ex.Message}");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException(string.Join("; ", errors));
        }

        return ModuleOutcome.Done;
    }

    private static void CreateUser(ModuleContext context, AccountDatabase db, CloudMap user)
    {
        var name = user.GetString("name")!;
        var where = "user " + name;
        var groups = UserSpecs.Names(user["groups"]).ToList();
        var primary = ConfigValues.Text(user, "primary_group", where);
        var system = user.GetBool("system", false);
        var existing = db.FindUser(name);
        if (user.GetString("plain_text_passwd") is { Length: > 0 })
        {
            context.Warnings.Add(new(Severity.Warning, where, "plain_text_passwd is not supported by keel-agent; give a crypt hash in passwd or hashed_passwd"));
        }

        if (existing is null)
        {
            var createGroups = user.GetBool("create_groups", true);
            foreach (var g in groups.Concat(primary is null ? [] : [primary]))
            {
                if (db.FindGroup(g) is null)
                {
                    if (!createGroups)
                    {
                        throw new InvalidDataException($"group {g} does not exist and create_groups is false");
                    }

                    db.AddGroup(g);
                }
            }

            existing = db.AddUser(new NewUser(name)
            {
                Uid = ParseUid(user["uid"], where),
                Gecos = ConfigValues.Text(user, "gecos", where),
                HomeDir = ConfigValues.Text(user, "homedir", where) is { } home ? Engine.ConfigPathCheck.Absolute(home, where + ".homedir") : null,
                Shell = ConfigValues.Text(user, "shell", where),
                PrimaryGroup = primary,
                PasswordHash = ConfigValues.Text(user, "passwd", where),
                System = system,
                NoUserGroup = user.GetBool("no_user_group", false),
            });
            foreach (var g in groups)
            {
                db.AddMember(g, name);
            }

            db.Save();
            if (!system && !user.GetBool("no_create_home", false))
            {
                CreateHome(context, db, existing);
            }

            context.Log.WriteLine($"users_groups: created user {name} (uid {existing.Uid})");
        }
        else
        {
            context.Log.WriteLine($"users_groups: user {name} already exists");
        }

        if (ConfigValues.Text(user, "hashed_passwd", where) is { Length: > 0 } hashed)
        {
            db.SetPasswordHash(name, hashed);
        }

        if (user.GetBool("lock_passwd", true))
        {
            db.Lock(name);
        }

        db.Save();
        if (user["sudo"] is { } sudo and not CloudScalar { IsNull: true } and not CloudScalar { Kind: ScalarKind.Boolean, Text: "false" })
        {
            WriteSudoRules(context, name, sudo);
        }

        var keys = Keys(user["ssh_authorized_keys"]).ToList();
        var isDefault = user.GetString("_default") == "true";
        if (isDefault)
        {
            keys.AddRange(Keys(context.Config["ssh_authorized_keys"]));
            keys.AddRange(context.Instance.PublicKeys);
        }

        // cloud-init's ssh module sets up the default user's keys even when there are none (an empty authorized_keys).
        if (keys.Count > 0 || isDefault)
        {
            AuthorizedKeysFile.Add(context.Root, existing, keys);
        }
    }

    private static int? ParseUid(CloudNode? node, string where) => node switch
    {
        null or CloudScalar { IsNull: true } => null,
        CloudScalar s when int.TryParse(s.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) => uid,
        _ => throw new InvalidDataException($"{where}: uid (line {node.Line}) must be a non-negative integer"),
    };

    private static IEnumerable<string> Keys(CloudNode? node) => node switch
    {
        CloudScalar { Kind: ScalarKind.String } s => [s.Text],
        CloudList l => l.Items.OfType<CloudScalar>().Where(k => !k.IsNull).Select(k => k.Text),
        CloudMap m => m.Entries.Select(e => e.Value).OfType<CloudScalar>().Select(k => k.Text),
        _ => [],
    };

    private static void CreateHome(ModuleContext context, AccountDatabase db, PasswdEntry user)
    {
        if (context.Root.Exists(user.Home))
        {
            return;
        }

        var parent = Path.GetDirectoryName(user.Home.TrimEnd('/'));
        if (!string.IsNullOrEmpty(parent))
        {
            context.Root.CreateDirectory(parent);
        }

        NoFollow.OpenDirectory(context.Root, user.Home, db.HomeMode, user.Uid, user.Gid).Dispose();
        foreach (var name in NoFollow.ListNames(context.Root, "/etc/skel"))
        {
            // Only regular files at the top of skel, read without following a symlink (which could point anywhere).
            var source = "/etc/skel/" + name;
            if (!NoFollow.IsRegularFile(context.Root, source) || NoFollow.Stat(context.Root, source) is not { } stat || NoFollow.ReadAllBytesOrNull(context.Root, source) is not { } content)
            {
                continue;
            }

            NoFollow.WriteFile(context.Root, user.Home.TrimEnd('/') + "/" + name, content, stat.Mode, user.Uid, user.Gid);
        }
    }

    private static void WriteSudoRules(ModuleContext context, string user, CloudNode rules)
    {
        var lines = rules switch
        {
            CloudScalar { Kind: ScalarKind.String } s => [s.Text],
            CloudList l => l.Items.OfType<CloudScalar>().Select(r => r.Text).ToList(),
            _ => throw new InvalidDataException($"user {user}: sudo (line {rules.Line}) must be a string, a list or false"),
        };
        if (lines.Any(l => l.Contains('\n', StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"user {user}: sudo rules may not contain newlines");
        }

        Sudoers.EnsureIncluded(context.Root, "keel-agent");
        Sudoers.AppendToDropIn(context.Root, SudoersName, "Created by keel-agent", "User rules for " + user, lines.Select(l => $"{user} {l}"));
    }
}
