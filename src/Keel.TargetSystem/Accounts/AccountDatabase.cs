using System.Globalization;

namespace Keel.TargetSystem.Accounts;

/// <summary>
/// Edits the target root's account files directly, as useradd/groupadd/usermod --root would: ids allocated from
/// login.defs ranges, user private groups, shadow entries with login.defs ageing fields. Call <see cref="Save"/> to write.
/// </summary>
public sealed class AccountDatabase
{
    private const UnixFileMode PublicMode = (UnixFileMode)0x1a4; // 0644
    private const UnixFileMode SecretMode = (UnixFileMode)0;

    private readonly ColonFile _passwd;
    private readonly ColonFile _group;
    private readonly ColonFile _shadow;
    private readonly ColonFile _gshadow;
    private readonly ColonFile? _subuid;
    private readonly ColonFile? _subgid;
    private readonly LoginDefs _defs;
    private readonly long _today;
    private readonly HashSet<string> _repairedUsers = new(StringComparer.Ordinal);

    private AccountDatabase(TargetRoot root, DateTimeOffset now)
    {
        _passwd = ColonFile.Load(root, "/etc/passwd", 7, PublicMode);
        _group = ColonFile.Load(root, "/etc/group", 4, PublicMode);
        _shadow = ColonFile.Load(root, "/etc/shadow", 9, SecretMode);
        _gshadow = ColonFile.Load(root, "/etc/gshadow", 4, SecretMode);

        // useradd gives subordinate ids only when the files exist (shadow-utils' sub_uid_file_present).
        _subuid = root.Exists("/etc/subuid") ? ColonFile.Load(root, "/etc/subuid", 3, PublicMode) : null;
        _subgid = root.Exists("/etc/subgid") ? ColonFile.Load(root, "/etc/subgid", 3, PublicMode) : null;
        _defs = LoginDefs.Load(root);
        _today = now.ToUnixTimeSeconds() / 86400;
        RepairMissingSecrets();
    }

    /// <summary>Loads the four files of <paramref name="root"/>.</summary>
    public static AccountDatabase Load(TargetRoot root, DateTimeOffset now) => new(root, now);

    /// <summary>The login shell useradd would give (SHELL in /etc/default/useradd, else /bin/bash).</summary>
    public string DefaultShell => _defs.String("SHELL", "/bin/bash");

    /// <summary>Mode for new home directories.</summary>
    public UnixFileMode HomeMode => _defs.HomeMode;

    /// <summary>The passwd entry of a user, or null.</summary>
    public PasswdEntry? FindUser(string name) => _passwd.Find(name) is { Length: >= 7 } f
        ? new PasswdEntry(f[0], ParseId(f[2]), ParseId(f[3]), f[4], f[5], f[6])
        : null;

    /// <summary>The gid of a group, or null.</summary>
    public int? FindGroup(string name) => _group.Find(name) is { Length: >= 3 } f ? ParseId(f[2]) : null;

    /// <summary>Members listed for a group in /etc/group.</summary>
    public IReadOnlyList<string> GroupMembers(string name) =>
        _group.Find(name) is { Length: >= 4 } f ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>The shadow password field of a user, or null.</summary>
    public string? ShadowPassword(string name) => _shadow.Find(name) is { Length: >= 2 } f ? f[1] : null;

    /// <summary>groupadd: creates the group (gid allocated when not given) and returns its gid.</summary>
    public int AddGroup(string name, int? gid = null, bool system = false)
    {
        CheckName(name, "group");
        if (FindGroup(name) is { } existing)
        {
            return existing;
        }

        var id = gid ?? AllocateGroupId(system, preferred: null);
        _group.Add(name, "x", Id(id), "");
        _gshadow.Add(name, "!", "", "");
        return id;
    }

    /// <summary>usermod -a -G: adds a user to a group's member lists (no-op if already a member).</summary>
    public void AddMember(string group, string user)
    {
        _group.Update(group, f => Append(f, 3, user));
        _gshadow.Update(group, f => Append(f, 3, user));
    }

    /// <summary>useradd: creates the user with a user private group and returns its entry.</summary>
    public PasswdEntry AddUser(NewUser user)
    {
        CheckName(user.Name, "user");
        if (FindUser(user.Name) is { } existing)
        {
            if (_repairedUsers.Remove(user.Name))
            {
                // The earlier run that created the user stopped before its shadow line was written: give it the line
                // this call would have written, not just the locked one the repair put in.
                _shadow.Remove(user.Name);
                AddShadow(user);
            }

            return existing;
        }

        // A shadow line left behind by an interrupted earlier run must not become a second one.
        _shadow.Remove(user.Name);
        var uid = user.Uid ?? AllocateUserId(user.System);
        int gid;
        if (user.PrimaryGroup is { } primary)
        {
            gid = FindGroup(primary) ?? AddGroup(primary, system: user.System);
        }
        else if (user.NoUserGroup)
        {
            gid = _defs.Int("USERS_GID", 100);
        }
        else
        {
            gid = FindGroup(user.Name) ?? AddGroup(user.Name, AllocateGroupId(user.System, preferred: uid), user.System);
        }

        var home = user.HomeDir ?? "/home/" + user.Name;
        var shell = user.Shell ?? DefaultShell;
        foreach (var field in new[] { user.Gecos ?? "", home, shell })
        {
            if (field.Contains(':', StringComparison.Ordinal) || field.Contains('\n', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"user {user.Name}: '{field}' may not contain ':' or a newline");
            }
        }

        _passwd.Add(user.Name, "x", Id(uid), Id(gid), user.Gecos ?? "", home, shell);
        AddShadow(user);

        if (!user.System && uid >= _defs.Int("UID_MIN", 1000) && uid <= _defs.Int("UID_MAX", 60000))
        {
            AddSubordinateRange(_subuid, user.Name, _defs.Int("SUB_UID_MIN", 100000), _defs.Int("SUB_UID_MAX", 600100000), _defs.Int("SUB_UID_COUNT", 65536));
            AddSubordinateRange(_subgid, user.Name, _defs.Int("SUB_GID_MIN", 100000), _defs.Int("SUB_GID_MAX", 600100000), _defs.Int("SUB_GID_COUNT", 65536));
        }

        return new PasswdEntry(user.Name, uid, gid, user.Gecos ?? "", home, shell);
    }

    /// <summary>chpasswd -e: sets the password hash.</summary>
    public void SetPasswordHash(string name, string hash)
    {
        CheckField(hash, name);
        _shadow.Update(name, f =>
        {
            f[1] = hash;
            f[2] = Id(_today);
            return f;
        });
    }

    /// <summary>passwd --expire: a last-change day of 0 forces a new password at the next login.</summary>
    public void ExpirePassword(string name) => _shadow.Update(name, f =>
    {
        if (f.Length > 2)
        {
            f[2] = "0";
        }

        return f;
    });

    /// <summary>passwd -l: prefixes "!" unless the password is already locked.</summary>
    public void Lock(string name) => _shadow.Update(name, f =>
    {
        if (!f[1].StartsWith('!'))
        {
            f[1] = "!" + f[1];
        }

        return f;
    });

    /// <summary>
    /// Writes what changed: groups first, then users, so a user never names a missing group. Each file is renamed into place
    /// on its own; a stop between two renames leaves an entry without its shadow line, which the next load repairs.
    /// </summary>
    public void Save()
    {
        _group.Save();
        _gshadow.Save();
        _passwd.Save();
        _shadow.Save();
        _subuid?.Save();
        _subgid?.Save();
    }

    private void AddShadow(NewUser user)
    {
        var pass = string.IsNullOrEmpty(user.PasswordHash) ? "!" : user.PasswordHash;
        CheckField(pass, user.Name);
        if (user.System)
        {
            // useradd -r leaves the ageing fields of a system account empty.
            _shadow.Add(user.Name, pass, Id(_today), "", "", "", "", "", "");
        }
        else
        {
            _shadow.Add(user.Name, pass, Id(_today), Id(_defs.Int("PASS_MIN_DAYS", 0)), Id(_defs.Int("PASS_MAX_DAYS", 99999)), Id(_defs.Int("PASS_WARN_AGE", 7)), "", "", "");
        }
    }

    // A run stopped between the renames of passwd and shadow (or group and gshadow) leaves an account whose secret half
    // is missing, and nothing would ever add it: every later edit updates lines that are not there. As pwck does, the
    // missing line is added locked, so the account is complete again and no password works until one is set.
    private void RepairMissingSecrets()
    {
        foreach (var user in _passwd.Records.Where(r => r.Length > 1 && r[1] == "x" && _shadow.Find(r[0]) is null).Select(r => r[0]).ToList())
        {
            _shadow.Add(user, "!", Id(_today), "", "", "", "", "", "");
            _repairedUsers.Add(user);
        }

        if (!_gshadow.Exists)
        {
            return;
        }

        foreach (var group in _group.Records.Where(r => r.Length > 1 && r[1] == "x" && _gshadow.Find(r[0]) is null).ToList())
        {
            _gshadow.Add(group[0], "!", "", group.Length > 3 ? group[3] : "");
        }
    }

    // useradd's find_free_range: the lowest start at or above min whose count ids overlap no existing range and end by max.
    private static void AddSubordinateRange(ColonFile? file, string name, long min, long max, long count)
    {
        if (file is null || count <= 0 || file.Find(name) is not null)
        {
            return;
        }

        var ranges = file.Records
            .Where(r => r.Length >= 3)
            .Select(r => (Ok: long.TryParse(r[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) & long.TryParse(r[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c), Start: s, Count: c))
            .Where(r => r.Ok && r.Count > 0)
            .OrderBy(r => r.Start)
            .ToList();
        var low = min;
        foreach (var (_, start, length) in ranges)
        {
            if (start < low + count && start + length > low)
            {
                low = start + length;
            }
        }

        if (low + count - 1 <= max)
        {
            file.Add(name, low.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture));
        }
    }

    private int AllocateUserId(bool system)
    {
        var used = _passwd.Records.Where(r => r.Length > 2).Select(r => ParseId(r[2])).ToHashSet();
        return Allocate(used, system ? _defs.Int("SYS_UID_MIN", 201) : _defs.Int("UID_MIN", 1000), system ? _defs.Int("SYS_UID_MAX", 999) : _defs.Int("UID_MAX", 60000), system, null, "uid");
    }

    private int AllocateGroupId(bool system, int? preferred)
    {
        var used = _group.Records.Where(r => r.Length > 2).Select(r => ParseId(r[2])).ToHashSet();
        return Allocate(used, system ? _defs.Int("SYS_GID_MIN", 201) : _defs.Int("GID_MIN", 1000), system ? _defs.Int("SYS_GID_MAX", 999) : _defs.Int("GID_MAX", 60000), system, preferred, "gid");
    }

    private static int Allocate(HashSet<int> used, int min, int max, bool system, int? preferred, string what)
    {
        if (preferred is { } p && !used.Contains(p))
        {
            return p;
        }

        if (system)
        {
            // useradd/groupadd hand out system ids from the top of the range down.
            for (var id = max; id >= min; id--)
            {
                if (!used.Contains(id))
                {
                    return id;
                }
            }
        }
        else
        {
            var inRange = used.Where(u => u >= min && u <= max).ToList();
            var next = inRange.Count == 0 ? min : inRange.Max() + 1;
            if (next <= max)
            {
                return next;
            }

            for (var id = min; id <= max; id++)
            {
                if (!used.Contains(id))
                {
                    return id;
                }
            }
        }

        throw new InvalidDataException($"no free {what} left in {min}..{max}");
    }

    private static string[] Append(string[] fields, int index, string member)
    {
        var members = fields[index].Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (!members.Contains(member, StringComparer.Ordinal))
        {
            members.Add(member);
        }

        fields[index] = string.Join(',', members);
        return fields;
    }

    private static void CheckName(string name, string what)
    {
        // shadow-utils' is_valid_name, relaxed the way Debian and Fedora build it.
        if (name.Length == 0 || name.Length > 32 || name[0] == '-' || name is "." or ".." || name.All(char.IsAsciiDigit)
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' || (c == '$' && name[^1] == '$'))))
        {
            throw new InvalidDataException($"{what} name '{name}' is not valid");
        }
    }

    private static void CheckField(string value, string user)
    {
        if (value.Contains(':', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"user {user}: password hash may not contain ':' or a newline");
        }
    }

    private static int ParseId(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A user's passwd entry.</summary>
public sealed record PasswdEntry(string Name, int Uid, int Gid, string Gecos, string Home, string Shell);

/// <summary>What useradd is asked to create.</summary>
public sealed record NewUser(string Name)
{
    /// <summary>--uid.</summary>
    public int? Uid { get; init; }

    /// <summary>--comment.</summary>
    public string? Gecos { get; init; }

    /// <summary>--home.</summary>
    public string? HomeDir { get; init; }

    /// <summary>--shell.</summary>
    public string? Shell { get; init; }

    /// <summary>--gid (by name).</summary>
    public string? PrimaryGroup { get; init; }

    /// <summary>--password (a crypt hash).</summary>
    public string? PasswordHash { get; init; }

    /// <summary>--system.</summary>
    public bool System { get; init; }

    /// <summary>--no-user-group.</summary>
    public bool NoUserGroup { get; init; }
}
