using System.Text;

namespace Keel.Validation;

/// <summary>
/// User and group names of the validated root (its etc/passwd and etc/group, not the host's): rpm -V compares the
/// owner names a header records with the names the root gives the file's ids, after chroot.
/// </summary>
internal sealed class RootAccounts
{
    private readonly Dictionary<uint, string> _users;
    private readonly Dictionary<uint, string> _groups;

    private RootAccounts(Dictionary<uint, string> users, Dictionary<uint, string> groups)
    {
        _users = users;
        _groups = groups;
    }

    public static RootAccounts Read(ConfinedRoot root) =>
        new(ReadIds(root.ReadAllBytes("etc/passwd")), ReadIds(root.ReadAllBytes("etc/group")));

    public string? UserName(uint uid) => _users.GetValueOrDefault(uid);

    public string? GroupName(uint gid) => _groups.GetValueOrDefault(gid);

    // name:x:id:... ; the first name for an id wins, as getpwuid returns the first matching line.
    private static Dictionary<uint, string> ReadIds(byte[]? file)
    {
        var result = new Dictionary<uint, string>();
        if (file is null)
        {
            return result;
        }

        foreach (var line in Encoding.UTF8.GetString(file).Split('\n'))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0].Length > 0 && uint.TryParse(fields[2], out var id))
            {
                result.TryAdd(id, fields[0]);
            }
        }

        return result;
    }
}
