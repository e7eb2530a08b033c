using System.Text.RegularExpressions;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's set_passwords for crypt hashes only: chpasswd.users (type hash) and the older chpasswd.list
/// ("name:hash" lines) set shadow passwords, then chpasswd.expire (default true) expires them as passwd --expire does.
/// Plain-text and RANDOM passwords, and the top-level 'password', are refused with a warning: keel-agent never puts a
/// clear-text secret on the machine. ssh_pwauth is applied by the ssh module.
/// </summary>
public sealed partial class SetPasswordsModule() : CloudConfigModule("set_passwords", Frequency.PerInstance, Stage.Config)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config["password"] is CloudScalar { IsNull: false })
        {
            context.Warnings.Add(new(Severity.Warning, $"password (line {context.Config.KeyLine("password")})", "plain-text passwords are not supported by keel-agent; use chpasswd.users with a crypt hash"));
        }

        if (ConfigValues.Map(context.Config, "chpasswd", Name) is not { } chpasswd)
        {
            return ModuleOutcome.NothingToDo;
        }

        var hashes = new List<(string User, string Hash)>();
        foreach (var (user, password, line, type) in Entries(chpasswd))
        {
            var where = $"chpasswd user {user} (line {line})";
            if (type == "RANDOM" || (type is null && password is "R" or "RANDOM"))
            {
                context.Warnings.Add(new(Severity.Warning, where, "RANDOM passwords are not supported by keel-agent; not set"));
            }
            else if (type == "text" || (type is null && !CryptHash().IsMatch(password)) || (type == "hash" && !CryptHash().IsMatch(password)))
            {
                context.Warnings.Add(new(Severity.Warning, where, "not a crypt hash ($1$, $2a$, $2y$, $5$, $6$, $y$); plain-text passwords are not supported, not set"));
            }
            else
            {
                hashes.Add((user, password));
            }
        }

        if (hashes.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        var db = context.LoadAccounts();
        var missing = hashes.Where(h => db.FindUser(h.User) is null).Select(h => h.User).Distinct().ToList();
        var expire = chpasswd.GetBool("expire", true);
        foreach (var (user, hash) in hashes.Where(h => !missing.Contains(h.User)))
        {
            db.SetPasswordHash(user, hash);
            if (expire)
            {
                db.ExpirePassword(user);
            }
        }

        db.Save();
        context.Log.WriteLine($"set_passwords: {hashes.Count - missing.Count} password(s) set{(expire ? " and expired" : "")}");
        return missing.Count == 0
            ? ModuleOutcome.Done
            : throw new InvalidDataException($"chpasswd: no such user: {string.Join(", ", missing)}");
    }

    private static IEnumerable<(string User, string Password, int Line, string? Type)> Entries(CloudMap chpasswd)
    {
        if (ConfigValues.List(chpasswd, "users", "chpasswd") is { } users)
        {
            foreach (var item in users.Items)
            {
                if (item is not CloudMap m || m.GetString("name") is not { Length: > 0 } name)
                {
                    throw new InvalidDataException($"chpasswd.users (line {item.Line}): each entry needs a name");
                }

                yield return (name, m.GetString("password") ?? "", item.Line, m.GetString("type") ?? "hash");
            }
        }

        // The deprecated list: a block of "name:password" lines or a list of them.
        var lines = chpasswd["list"] switch
        {
            null or CloudScalar { IsNull: true } => [],
            CloudScalar s => s.Text.Split('\n').Select(l => (Text: l, s.Line)),
            CloudList l => l.Items.Select(i => (Text: (i as CloudScalar)?.Text ?? throw new InvalidDataException($"chpasswd.list (line {i.Line}): entries must be 'name:password' strings"), i.Line)),
            var other => throw ConfigValues.WrongType("chpasswd", "list", other, "a string or a list"),
        };
        foreach (var (text, line) in lines)
        {
            var entry = text.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"chpasswd.list (line {line}): '{entry.Split(':')[0]}' is not 'name:password'");
            }

            yield return (entry[..colon], entry[(colon + 1)..], line, null);
        }
    }

    // cloud-init's hash test, with yescrypt ($y$) that current Fedora lineage shadow uses by default.
    [GeneratedRegex(@"^\$(1|2a|2y|5|6|y)(\$[^$:\n]+){2,}$")]
    private static partial Regex CryptHash();
}
