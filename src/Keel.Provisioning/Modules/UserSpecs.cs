using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.Provisioning.Merging;

namespace Keel.Provisioning.Modules;

/// <summary>cloud-init's ug_util.normalize_users_groups: the users and groups a config asks for, 'default' expanded.</summary>
public static class UserSpecs
{
    /// <summary>The users, in order, each as a mapping with at least "name"; the default user is marked with "_default".</summary>
    public static IReadOnlyList<CloudMap> Users(CloudMap cfg)
    {
        var defaultUser = DefaultUser(cfg);
        var raw = cfg["users"];
        var items = raw switch
        {
            null or CloudScalar { IsNull: true } => [],
            CloudList l => l.Items.ToList(),
            CloudScalar { Kind: ScalarKind.String } s => s.Text.Split(',').Select(n => (CloudNode)CloudScalar.Str(n.Trim(), s.Line)).ToList(),
            CloudMap m => m.Entries.Select(e => (CloudNode)(e.Value is CloudMap um ? With(um, "name", e.Key) : CloudScalar.Str(e.Key, m.Line))).ToList(),
            _ => throw ConfigValues.WrongType("users_groups", "users", raw, "a list"),
        };

        // The old single 'user' key renames or reconfigures the default user and implies it.
        if (cfg["user"] is { } old and not CloudScalar { IsNull: true })
        {
            if (!items.Any(IsDefault))
            {
                items.Insert(0, CloudScalar.Str("default"));
            }
        }

        var result = new List<CloudMap>();
        foreach (var item in items)
        {
            CloudMap? user = item switch
            {
                CloudScalar { Kind: ScalarKind.String, Text: "default" } => defaultUser,
                CloudScalar { Kind: ScalarKind.String } s when s.Text.Length > 0 => new CloudMap([new("name", s)], s.Line),
                CloudMap m when m.GetString("name") == "default" => defaultUser is null ? null : ConfigMerge.MergeMany([m.Without("name"), defaultUser]),
                CloudMap m when m.GetString("name") is { Length: > 0 } => m,
                CloudScalar { Kind: ScalarKind.String } => null,
                _ => throw new InvalidDataException($"users (line {item.Line}): each entry must be a name or a mapping with 'name'"),
            };
            if (user is not null && !result.Any(u => u.GetString("name") == user.GetString("name")))
            {
                result.Add(user);
            }
        }

        // cloud-init's _normalize_users pops the default user and adds it back last, so it is created after the others.
        var defaultAt = result.FindIndex(u => u.GetString("_default") == "true");
        if (defaultAt >= 0)
        {
            var d = result[defaultAt];
            result.RemoveAt(defaultAt);
            result.Add(d);
        }

        return result;
    }

    /// <summary>Top-level groups: names, or mappings of a group name to its members.</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Members, int Line)> Groups(CloudMap cfg)
    {
        var raw = cfg["groups"];
        var result = new List<(string, IReadOnlyList<string>, int)>();
        IEnumerable<CloudNode> items = raw switch
        {
            null or CloudScalar { IsNull: true } => [],
            CloudList l => l.Items,
            CloudMap m => [m],
            CloudScalar { Kind: ScalarKind.String } s => s.Text.Split(',').Select(n => (CloudNode)CloudScalar.Str(n.Trim(), s.Line)),
            _ => throw ConfigValues.WrongType("users_groups", "groups", raw, "a list"),
        };
        foreach (var item in items)
        {
            switch (item)
            {
                case CloudScalar { Kind: ScalarKind.String } s when s.Text.Length > 0:
                    result.Add((s.Text, [], s.Line));
                    break;
                case CloudMap m:
                    foreach (var (name, members) in m.Entries)
                    {
                        result.Add((name, Names(members), m.KeyLine(name)));
                    }

                    break;
                default:
                    throw new InvalidDataException($"groups (line {item.Line}): each entry must be a group name or a mapping of a group to its members");
            }
        }

        return result;
    }

    /// <summary>Names from a string ("a, b"), a list, or a mapping's keys.</summary>
    public static IReadOnlyList<string> Names(CloudNode? node) => node switch
    {
        CloudScalar { Kind: ScalarKind.String } s => s.Text.Split(',').Select(x => x.Trim()).Where(x => x.Length > 0).ToList(),
        CloudList l => l.Items.OfType<CloudScalar>().Where(x => !x.IsNull).Select(x => x.Text.Trim()).Where(x => x.Length > 0).ToList(),
        CloudMap m => m.Entries.Select(e => e.Key).ToList(),
        _ => [],
    };

    private static CloudMap? DefaultUser(CloudMap cfg)
    {
        var system = cfg["system_info"] as CloudMap;
        var baseUser = system?["default_user"] as CloudMap;
        switch (cfg["user"])
        {
            case CloudScalar { Kind: ScalarKind.String } s when s.Text.Length > 0:
                baseUser = baseUser is null ? new CloudMap([new("name", s)]) : With(baseUser, "name", s.Text);
                break;
            case CloudMap m:
                baseUser = baseUser is null ? m : ConfigMerge.MergeMany([m, baseUser]);
                break;
        }

        return baseUser is null || baseUser.GetString("name") is null ? null : With(baseUser, "_default", "true");
    }

    private static bool IsDefault(CloudNode n) => n is CloudScalar { Text: "default" } || (n is CloudMap m && m.GetString("name") == "default");

    private static CloudMap With(CloudMap map, string key, string value) =>
        new(map.Entries.Where(e => e.Key != key).Append(new(key, CloudScalar.Str(value, map.Line))), map.Line);
}
