using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keel.Errors;
using Keel.Provisioning.Config;

namespace Keel.Provisioning.Schema;

/// <summary>
/// cloud-init's cloud-config JSON schema (draft-04) and a validator for the keywords it uses: type, enum, properties,
/// patternProperties, additionalProperties, required, min/maxProperties, items, additionalItems, min/maxItems,
/// uniqueItems, minimum/maximum, pattern, min/maxLength, oneOf, anyOf, allOf, not, $ref and cloud-init's "deprecated".
/// As in cloud-init, "string" also accepts !!binary values and "format" is not checked. Keys the schema does not know at
/// the top level are warnings, never errors.
/// </summary>
public sealed class CloudConfigSchema
{
    /// <summary>Logical name of the embedded cloud-init 22.4.2 schema.</summary>
    public const string EmbeddedName = "schema-cloud-config-v1-22.4.2.json";

    private readonly JsonElement _root;
    private readonly Dictionary<string, Regex> _regexes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _topLevelKeys;
    private readonly List<Regex> _topLevelPatterns = [];

    private CloudConfigSchema(JsonDocument document, string name)
    {
        _root = document.RootElement;
        Name = name;
        // Keel's own key (keel_agent: {strict: true}) is part of keel-agent's vocabulary, not an unknown key.
        _topLevelKeys = new HashSet<string>(StringComparer.Ordinal) { Engine.ModuleCoverage.KeelKey };
        CollectTopLevel(_root, 0);
    }

    /// <summary>Where the schema came from.</summary>
    public string Name { get; }

    /// <summary>Loads a schema file.</summary>
    public static CloudConfigSchema Load(string path)
    {
        using var stream = File.OpenRead(path);
        return new CloudConfigSchema(JsonDocument.Parse(stream), path);
    }

    /// <summary>Loads the schema embedded at build time, or null if the build had none.</summary>
    public static CloudConfigSchema? LoadEmbedded()
    {
        using var stream = typeof(CloudConfigSchema).Assembly.GetManifestResourceStream(EmbeddedName);
        return stream is null ? null : new CloudConfigSchema(JsonDocument.Parse(stream), "cloud-init 22.4.2 schema (embedded)");
    }

    /// <summary>Validates a parsed cloud-config (null is an empty config).</summary>
    public SchemaReport Validate(CloudNode? config)
    {
        var report = new SchemaReport();
        var node = config ?? CloudMap.Empty;
        var issues = new List<SchemaIssue>();
        Check(node, _root, "", issues);

        // keel-status.json and `keel-agent status` are readable by everyone: no message may carry a password or hash.
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        CollectSecrets(node, false, secrets);
        foreach (var issue in issues)
        {
            var message = secrets.Where(v => v.Length > 0).OrderByDescending(v => v.Length)
                .Aggregate(issue.Message, (m, v) => m.Replace(v, Redacted, StringComparison.Ordinal));
            report.Issues.Add(issue with { Message = message });
        }

        if (node is CloudMap map)
        {
            foreach (var (key, _) in map.Entries)
            {
                if (!_topLevelKeys.Contains(key) && !_topLevelPatterns.Any(r => r.IsMatch(key)) && !report.Issues.Any(i => i.Path == key && i.Severity == Severity.Warning))
                {
                    report.Issues.Add(new(Severity.Warning, key, map.KeyLine(key), "unknown key (not in the cloud-config schema); ignored"));
                }
            }
        }

        report.Issues.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : string.CompareOrdinal(a.Path, b.Path));
        return report;
    }

    private void CollectTopLevel(JsonElement schema, int depth)
    {
        if (depth > 4 || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("properties", out var props))
        {
            foreach (var p in props.EnumerateObject())
            {
                _topLevelKeys.Add(p.Name);
            }
        }

        if (schema.TryGetProperty("patternProperties", out var pp))
        {
            foreach (var p in pp.EnumerateObject())
            {
                _topLevelPatterns.Add(GetRegex(p.Name));
            }
        }

        foreach (var combinator in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(combinator, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var sub in list.EnumerateArray())
                {
                    CollectTopLevel(sub, depth + 1);
                }
            }
        }

        if (schema.TryGetProperty("$ref", out var r) && r.ValueKind == JsonValueKind.String)
        {
            CollectTopLevel(ResolveRef(r.GetString()!), depth + 1);
        }
    }

    private void Check(CloudNode node, JsonElement schema, string path, List<SchemaIssue> issues)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            issues.Add(Error(path, node.Line, $"{Repr(node)} is not allowed"));
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            // Draft-04: $ref replaces every sibling keyword.
            Check(node, ResolveRef(reference.GetString()!), path, issues);
            return;
        }

        if (schema.TryGetProperty("deprecated", out var dep) && dep.ValueKind == JsonValueKind.True)
        {
            var why = schema.TryGetProperty("deprecated_description", out var dd) ? " " + dd.GetString() : "";
            var version = schema.TryGetProperty("deprecated_version", out var dv) ? $" in {dv.GetString()}" : "";
            issues.Add(new(Severity.Warning, path, node.Line, $"deprecated{version}.{why}".TrimEnd()));
        }

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(node, type))
        {
            issues.Add(Error(path, node.Line, $"{Repr(node)} is not of type {TypeList(type)}"));
            return;
        }

        if (schema.TryGetProperty("enum", out var enumValues) && !enumValues.EnumerateArray().Any(v => JsonEquals(node, v)))
        {
            issues.Add(Error(path, node.Line, $"{Repr(node)} is not one of [{string.Join(", ", enumValues.EnumerateArray().Select(ReprJson))}]"));
        }

        switch (node)
        {
            case CloudMap map:
                CheckObject(map, schema, path, issues);
                break;
            case CloudList list:
                CheckArray(list, schema, path, issues);
                break;
            case CloudScalar scalar:
                CheckScalar(scalar, schema, path, issues);
                break;
        }

        CheckCombinators(node, schema, path, issues);
    }

    private void CheckCombinators(CloudNode node, JsonElement schema, string path, List<SchemaIssue> issues)
    {
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var sub in allOf.EnumerateArray())
            {
                Check(node, sub, path, issues);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            var results = anyOf.EnumerateArray().Select(s => Try(node, s, path)).ToList();
            var match = results.FirstOrDefault(r => !r.Any(IsError));
            if (match is null)
            {
                issues.Add(Error(path, node.Line, $"{Repr(node)} is not valid under any of the given schemas{Hint(results)}"));
            }
            else
            {
                issues.AddRange(match);
            }
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var results = oneOf.EnumerateArray().Select(s => Try(node, s, path)).ToList();
            var matches = results.Where(r => !r.Any(IsError)).ToList();
            if (matches.Count == 0)
            {
                issues.Add(Error(path, node.Line, $"{Repr(node)} is not valid under any of the given schemas{Hint(results)}"));
            }
            else if (matches.Count > 1)
            {
                issues.Add(Error(path, node.Line, $"{Repr(node)} is valid under each of {matches.Count} of the given schemas"));
            }
            else
            {
                issues.AddRange(matches[0]);
            }
        }

        if (schema.TryGetProperty("not", out var not) && !Try(node, not, path).Any(IsError))
        {
            issues.Add(Error(path, node.Line, $"{Repr(node)} should not be valid under {Truncate(not.GetRawText())}"));
        }
    }

    private static string Hint(List<List<SchemaIssue>> results)
    {
        // The branch whose failure is deepest is usually what the author meant; cloud-init's best_match does the same.
        var best = results.SelectMany(r => r.Where(IsError)).OrderByDescending(i => i.Path.Length).FirstOrDefault();
        return best is null ? "" : $" (closest: {(best.Path.Length == 0 ? "" : best.Path + ": ")}{best.Message})";
    }

    private List<SchemaIssue> Try(CloudNode node, JsonElement schema, string path)
    {
        var list = new List<SchemaIssue>();
        Check(node, schema, path, list);
        return list;
    }

    private static bool IsError(SchemaIssue i) => i.Severity == Severity.Error;

    private void CheckObject(CloudMap map, JsonElement schema, string path, List<SchemaIssue> issues)
    {
        JsonElement props = default, patterns = default;
        var hasProps = schema.TryGetProperty("properties", out props);
        var hasPatterns = schema.TryGetProperty("patternProperties", out patterns);
        var extras = new List<string>();
        foreach (var (key, value) in map.Entries)
        {
            var childPath = Child(path, key);
            var matched = false;
            if (hasProps && props.TryGetProperty(key, out var propSchema))
            {
                matched = true;
                Check(value, propSchema, childPath, issues);
            }

            if (hasPatterns)
            {
                foreach (var p in patterns.EnumerateObject())
                {
                    if (GetRegex(p.Name).IsMatch(key))
                    {
                        matched = true;
                        Check(value, p.Value, childPath, issues);
                    }
                }
            }

            if (!matched && schema.TryGetProperty("additionalProperties", out var additional))
            {
                if (additional.ValueKind == JsonValueKind.False)
                {
                    extras.Add(key);
                }
                else if (additional.ValueKind == JsonValueKind.Object)
                {
                    Check(value, additional, childPath, issues);
                }
            }
        }

        foreach (var key in extras)
        {
            if (path.Length == 0 && key == Engine.ModuleCoverage.KeelKey)
            {
                continue;
            }

            if (path.Length == 0)
            {
                // Unknown top-level keys are never fatal (cloud-init's own runtime only warns about them).
                issues.Add(new(Severity.Warning, key, map.KeyLine(key), "unknown key (not in the cloud-config schema); ignored"));
            }
            else
            {
                issues.Add(Error(path, map.KeyLine(key), $"Additional properties are not allowed ('{key}' was unexpected)"));
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var r in required.EnumerateArray().Select(r => r.GetString()!).Where(r => !map.ContainsKey(r)))
            {
                issues.Add(Error(path, map.Line, $"'{r}' is a required property"));
            }
        }

        if (schema.TryGetProperty("minProperties", out var minP) && map.Count < minP.GetInt32())
        {
            issues.Add(Error(path, map.Line, $"{Repr(map)} does not have enough properties"));
        }

        if (schema.TryGetProperty("maxProperties", out var maxP) && map.Count > maxP.GetInt32())
        {
            issues.Add(Error(path, map.Line, $"{Repr(map)} has too many properties"));
        }
    }

    private void CheckArray(CloudList list, JsonElement schema, string path, List<SchemaIssue> issues)
    {
        if (schema.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                var tuple = items.EnumerateArray().ToList();
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (i < tuple.Count)
                    {
                        Check(list.Items[i], tuple[i], Child(path, i), issues);
                    }
                    else if (schema.TryGetProperty("additionalItems", out var ai))
                    {
                        if (ai.ValueKind == JsonValueKind.False)
                        {
                            issues.Add(Error(path, list.Line, $"Additional items are not allowed ({Repr(list.Items[i])} was unexpected)"));
                            break;
                        }

                        Check(list.Items[i], ai, Child(path, i), issues);
                    }
                }
            }
            else
            {
                for (var i = 0; i < list.Items.Count; i++)
                {
                    Check(list.Items[i], items, Child(path, i), issues);
                }
            }
        }

        if (schema.TryGetProperty("minItems", out var minI) && list.Items.Count < minI.GetInt32())
        {
            issues.Add(Error(path, list.Line, $"{Repr(list)} is too short"));
        }

        if (schema.TryGetProperty("maxItems", out var maxI) && list.Items.Count > maxI.GetInt32())
        {
            issues.Add(Error(path, list.Line, $"{Repr(list)} is too long"));
        }

        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            for (var i = 0; i < list.Items.Count; i++)
            {
                if (list.Items.Skip(i + 1).Any(other => CloudJson.DeepEquals(list.Items[i], other)))
                {
                    issues.Add(Error(path, list.Line, $"{Repr(list)} has non-unique elements"));
                    break;
                }
            }
        }
    }

    private void CheckScalar(CloudScalar scalar, JsonElement schema, string path, List<SchemaIssue> issues)
    {
        if (scalar.Kind is ScalarKind.String)
        {
            if (schema.TryGetProperty("pattern", out var pattern) && !GetRegex(pattern.GetString()!).IsMatch(scalar.Text))
            {
                issues.Add(Error(path, scalar.Line, $"{Repr(scalar)} does not match '{pattern.GetString()}'"));
            }

            var length = scalar.Text.EnumerateRunes().Count();
            if (schema.TryGetProperty("minLength", out var minL) && length < minL.GetInt32())
            {
                issues.Add(Error(path, scalar.Line, $"{Repr(scalar)} is too short"));
            }

            if (schema.TryGetProperty("maxLength", out var maxL) && length > maxL.GetInt32())
            {
                issues.Add(Error(path, scalar.Line, $"{Repr(scalar)} is too long"));
            }
        }

        if (scalar.Kind is ScalarKind.Integer or ScalarKind.Float && double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (schema.TryGetProperty("minimum", out var min) && number < min.GetDouble())
            {
                issues.Add(Error(path, scalar.Line, $"{Repr(scalar)} is less than the minimum of {min.GetRawText()}"));
            }

            if (schema.TryGetProperty("maximum", out var max) && number > max.GetDouble())
            {
                issues.Add(Error(path, scalar.Line, $"{Repr(scalar)} is greater than the maximum of {max.GetRawText()}"));
            }
        }
    }

    private static bool TypeMatches(CloudNode node, JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => TypeIs(node, type.GetString()!),
        JsonValueKind.Array => type.EnumerateArray().Any(t => TypeIs(node, t.GetString()!)),
        _ => true,
    };

    private static bool TypeIs(CloudNode node, string type) => type switch
    {
        "number" => node.TypeName is "number" or "integer",
        _ => node.TypeName == type,
    };

    private static string TypeList(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? string.Join(", ", type.EnumerateArray().Select(t => $"'{t.GetString()}'"))
        : $"'{type.GetString()}'";

    private static bool JsonEquals(CloudNode node, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => node is CloudScalar { Kind: ScalarKind.String } s && s.Text == value.GetString(),
        JsonValueKind.Number => node is CloudScalar { Kind: ScalarKind.Integer or ScalarKind.Float } n
            && double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == value.GetDouble(),
        JsonValueKind.True => node is CloudScalar { Kind: ScalarKind.Boolean, Text: "true" },
        JsonValueKind.False => node is CloudScalar { Kind: ScalarKind.Boolean, Text: "false" },
        JsonValueKind.Null => node is CloudScalar { IsNull: true },
        _ => CloudJson.DeepEquals(node, CloudJson.FromJson(value)),
    };

    private JsonElement ResolveRef(string reference)
    {
        // The versions wrapper names the v1 schema by URL; this validator is always given the v1 schema itself.
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var pointer = hash < 0 ? "" : reference[(hash + 1)..];
        var current = _root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(token, out current))
            {
                throw new InvalidDataException($"{Name}: unresolvable $ref '{reference}'");
            }
        }

        return current;
    }

    private Regex GetRegex(string pattern)
    {
        if (!_regexes.TryGetValue(pattern, out var regex))
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            _regexes[pattern] = regex;
        }

        return regex;
    }

    private static SchemaIssue Error(string path, int line, string message) => new(Severity.Error, path, line, message);

    private static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Child(string path, int index) => Child(path, index.ToString(CultureInfo.InvariantCulture));

    private const string Redacted = "<redacted>";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal) { "passwd", "plain_text_passwd", "hashed_passwd", "password", "list", "users" };

    private static bool IsSecretKey(string key, bool underChpasswd) =>
        key is "passwd" or "plain_text_passwd" or "hashed_passwd" or "password" || (underChpasswd && SecretKeys.Contains(key));

    /// <summary>Every scalar under a secret key (and every chpasswd list/users entry), to be kept out of messages.</summary>
    private static void CollectSecrets(CloudNode? node, bool secret, HashSet<string> into, bool underChpasswd = false)
    {
        switch (node)
        {
            case CloudScalar s when secret:
                into.Add(s.Text);
                foreach (var part in s.Text.Split(':').Skip(1))
                {
                    into.Add(part);
                }

                break;
            case CloudMap m:
                foreach (var e in m.Entries)
                {
                    CollectSecrets(e.Value, secret || IsSecretKey(e.Key, underChpasswd), into, e.Key == "chpasswd");
                }

                break;
            case CloudList l:
                foreach (var i in l.Items)
                {
                    CollectSecrets(i, secret, into, underChpasswd);
                }

                break;
        }
    }

    /// <summary>A Python-like rendering of a value, as jsonschema's messages show it.</summary>
    internal static string Repr(CloudNode? node) => Truncate(ReprCore(node, 0));

    private static string ReprCore(CloudNode? node, int depth) => node switch
    {
        null => "None",
        _ when depth > 3 => "...",
        CloudMap m => "{" + string.Join(", ", m.Entries.Take(8).Select(e => $"'{e.Key}': {(IsSecretKey(e.Key, false) ? "'" + Redacted + "'" : ReprCore(e.Value, depth + 1))}")) + (m.Count > 8 ? ", ..." : "") + "}",
        CloudList l => "[" + string.Join(", ", l.Items.Take(8).Select(i => ReprCore(i, depth + 1))) + (l.Items.Count > 8 ? ", ..." : "") + "]",
        CloudScalar { Kind: ScalarKind.Null } => "None",
        CloudScalar { Kind: ScalarKind.Boolean } b => b.Text == "true" ? "True" : "False",
        CloudScalar { Kind: ScalarKind.Integer or ScalarKind.Float } n => n.Text,
        CloudScalar { Kind: ScalarKind.Binary } => "b'...'",
        CloudScalar s => "'" + s.Text.Replace("\n", "\\n", StringComparison.Ordinal) + "'",
        _ => "?",
    };

    private static string ReprJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"'{e.GetString()}'",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        _ => e.GetRawText(),
    };

    private static string Truncate(string s) => s.Length <= 120 ? s : string.Concat(s.AsSpan(0, 117), "...");

    /// <summary>Formats issues for a terminal, one per line: "SOURCE:LINE: PATH: MESSAGE".</summary>
    public static string Format(SchemaReport report, string source)
    {
        var sb = new StringBuilder();
        foreach (var i in report.Issues)
        {
            sb.Append(source).Append(':').Append(i.Line.ToString(CultureInfo.InvariantCulture)).Append(": ")
              .Append(i.Severity == Severity.Error ? "error" : "warning").Append(": ")
              .Append(i.Path.Length == 0 ? "<root>" : i.Path).Append(": ").Append(i.Message).Append('\n');
        }

        return sb.ToString();
    }
}
