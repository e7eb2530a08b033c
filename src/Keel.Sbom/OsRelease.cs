namespace Keel.Sbom;

/// <summary>The fields of os-release(5) an SBOM names the system by.</summary>
public sealed record OsRelease(string? Id, string? VersionId, string? Name, string? PrettyName)
{
    /// <summary>Parses KEY=VALUE lines, values optionally in single or double quotes; unknown keys are ignored.</summary>
    public static OsRelease Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            values[line[..eq]] = value;
        }

        return new OsRelease(Get("ID"), Get("VERSION_ID"), Get("NAME"), Get("PRETTY_NAME"));

        string? Get(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
    }
}
