using System.Globalization;

namespace Keel.Repository.Definitions;

/// <summary>
/// Reads dnf .repo files as dnf's ini parser accepts them: [sections], key=value, '#' and ';' comment lines,
/// continuation lines that start with whitespace, and $var/${var} substitution in values.
/// </summary>
public static class RepoFileParser
{
    private static readonly char[] ListSeparators = [' ', '\t', '\n', '\r', ','];

    /// <summary>Reads a .repo file; every definition in it, disabled ones included.</summary>
    public static IReadOnlyList<RepositoryDefinition> ReadFile(string path, RepoVariables variables)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"{path}: repository file not found", path);
        }

        return Parse(text, path, variables);
    }

    /// <summary>Parses .repo text; <paramref name="fileName"/> names it in errors ("file:line: problem").</summary>
    public static IReadOnlyList<RepositoryDefinition> Parse(string text, string fileName, RepoVariables variables)
    {
        var sections = new List<Section>();
        Section? current = null;
        string? lastKey = null;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            var raw = lines[i];
            var trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                lastKey = null;
                continue;
            }

            if (trimmed[0] is '#' or ';')
            {
                continue;
            }

            // A line that starts with whitespace continues the previous value (dnf joins them with a newline).
            if (char.IsWhiteSpace(raw[0]) && current is not null && lastKey is not null)
            {
                current.Values[lastKey] = current.Values[lastKey] + "\n" + trimmed;
                continue;
            }

            if (trimmed[0] == '[')
            {
                if (trimmed[^1] != ']')
                {
                    throw new FormatException($"{fileName}:{lineNo}: section header without a closing ']'");
                }

                var id = trimmed[1..^1].Trim();
                if (id.Length == 0 || id.Any(c => char.IsWhiteSpace(c) || c == '/'))
                {
                    throw new FormatException($"{fileName}:{lineNo}: '{id}' is not a valid repository id");
                }

                if (sections.Any(s => s.Id == id))
                {
                    throw new FormatException($"{fileName}:{lineNo}: repository '{id}' is defined twice");
                }

                current = new Section(id, lineNo);
                sections.Add(current);
                lastKey = null;
                continue;
            }

            int eq = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw new FormatException($"{fileName}:{lineNo}: expected 'key=value', '[section]' or a comment");
            }

            var key = trimmed[..eq].Trim().ToLowerInvariant();
            if (key.Length == 0)
            {
                throw new FormatException($"{fileName}:{lineNo}: '=' without a key");
            }

            if (current is null)
            {
                throw new FormatException($"{fileName}:{lineNo}: '{key}' appears before any [section]");
            }

            current.Values[key] = trimmed[(eq + 1)..].Trim();
            current.Lines[key] = lineNo;
            lastKey = key;
        }

        // [main] configures dnf itself, not a repository.
        return sections.Where(s => s.Id != "main").Select(s => ToDefinition(s, fileName, variables)).ToArray();
    }

    private static RepositoryDefinition ToDefinition(Section s, string fileName, RepoVariables variables)
    {
        string Where(string key) => $"{fileName}:{(s.Lines.TryGetValue(key, out var l) ? l : s.Line)}";
        string? Get(string key) => s.Values.TryGetValue(key, out var v) ? variables.Substitute(v) : null;
        bool Bool(string key, bool fallback)
        {
            var v = Get(key);
            if (v is null || v.Length == 0)
            {
                return fallback;
            }

            return v.ToLowerInvariant() switch
            {
                "1" or "yes" or "true" or "on" => true,
                "0" or "no" or "false" or "off" => false,
                _ => throw new FormatException($"{Where(key)}: {key}={v} is not a boolean (1/0, yes/no, true/false, on/off)"),
            };
        }

        int Int(string key, int fallback)
        {
            var v = Get(key);
            if (v is null || v.Length == 0)
            {
                return fallback;
            }

            return int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new FormatException($"{Where(key)}: {key}={v} is not a whole number");
        }

        IReadOnlyList<string> List(params string[] keys) => keys
            .Select(Get)
            .Where(v => v is not null)
            .SelectMany(v => v!.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();

        var baseUrls = List("baseurl");
        if (baseUrls.Count == 0)
        {
            if (s.Values.ContainsKey("mirrorlist") || s.Values.ContainsKey("metalink"))
            {
                var key = s.Values.ContainsKey("metalink") ? "metalink" : "mirrorlist";
                throw new NotSupportedException($"{Where(key)}: repository '{s.Id}' uses {key}, which Keel does not support; set baseurl instead");
            }

            throw new FormatException($"{fileName}:{s.Line}: repository '{s.Id}' has no baseurl");
        }

        return new RepositoryDefinition
        {
            Id = s.Id,
            Name = Get("name"),
            BaseUrls = baseUrls,
            GpgKeys = List("gpgkey"),
            GpgCheck = Bool("gpgcheck", true),
            RepoGpgCheck = Bool("repo_gpgcheck", false),
            Enabled = Bool("enabled", true),
            SkipIfUnavailable = Bool("skip_if_unavailable", false),
            Priority = Int("priority", RepositoryDefinition.DefaultPriority),
            Cost = Int("cost", RepositoryDefinition.DefaultCost),
            Excludes = List("exclude", "excludepkgs"),
            Includes = List("includepkgs"),
            Origin = $"{fileName}:{s.Line}",
        };
    }

    private sealed class Section(string id, int line)
    {
        public string Id { get; } = id;

        public int Line { get; } = line;

        public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Lines { get; } = new(StringComparer.Ordinal);
    }
}
