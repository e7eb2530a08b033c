using System.Globalization;

namespace Keel.TargetSystem.Accounts;

/// <summary>The settings of the target root's /etc/login.defs and /etc/default/useradd that useradd would honour.</summary>
internal sealed class LoginDefs
{
    private readonly Dictionary<string, string> _values;

    private LoginDefs(Dictionary<string, string> values) => _values = values;

    public static LoginDefs Load(TargetRoot root)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Read(root.ReadAllTextOrNull("/etc/login.defs"), values, ' ');
        Read(root.ReadAllTextOrNull("/etc/default/useradd"), values, '=');
        return new LoginDefs(values);
    }

    private static void Read(string? text, Dictionary<string, string> values, char separator)
    {
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var at = separator == ' ' ? line.IndexOfAny([' ', '\t']) : line.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
            {
                values[line[..at].Trim()] = line[(at + 1)..].Trim().Trim('"');
            }
        }
    }

    public int Int(string key, int defaultValue)
    {
        if (!_values.TryGetValue(key, out var v))
        {
            return defaultValue;
        }

        return v.StartsWith('0') && v.Length > 1 && v.All(char.IsAsciiDigit)
            ? Convert.ToInt32(v, 8)
            : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : defaultValue;
    }

    public string String(string key, string defaultValue) => _values.TryGetValue(key, out var v) && v.Length > 0 ? v : defaultValue;

    /// <summary>Mode of a new home directory: HOME_MODE, else 0777 &amp; ~UMASK; Fedora's defaults give 0700.</summary>
    public UnixFileMode HomeMode => (UnixFileMode)(_values.ContainsKey("HOME_MODE") ? Int("HOME_MODE", 0x1c0) : 0x1ff & ~Int("UMASK", 0x3f));
}
