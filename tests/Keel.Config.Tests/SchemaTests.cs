using System.Reflection;
using System.Text.Json;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Tests;

namespace Keel.Config.Tests;

/// <summary>The JSON Schema in schemas/ and the C# model describe the same keys, types, enum values, required keys and defaults.</summary>
public class SchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "schemas", "keel-v1.schema.json"))).RootElement;

    [Fact]
    public void Schema_is_draft_2020_12_and_embedded()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Schema.GetProperty("$schema").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "schemas", "keel-v1.schema.json")), ConfigSchema.Read());
    }

    [Fact]
    public void Schema_and_model_agree()
    {
        var problems = new List<string>();
        Compare(typeof(MachineConfig), Schema, "", new MachineConfig(), problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void Medium_schema_and_model_agree()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "schemas", "keel-v1-medium.schema.json");
        var schema = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        Assert.Equal(File.ReadAllText(path), ConfigSchema.ReadMedium());
        var problems = new List<string>();
        Compare(typeof(MediumConfig), schema, "", new MediumConfig(), problems);
        Assert.Empty(problems);
    }

    private static void Compare(Type type, JsonElement schema, string path, object defaults, List<string> problems)
    {
        if (schema.GetProperty("additionalProperties").GetBoolean())
        {
            problems.Add($"{path}: additionalProperties must be false");
        }

        var schemaKeys = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        var model = ConfigNames.Properties(type).ToDictionary(ConfigNames.Key);
        problems.AddRange(schemaKeys.Except(model.Keys).Select(k => $"{path}.{k}: in the schema, not in the model"));
        problems.AddRange(model.Keys.Except(schemaKeys).Select(k => $"{path}.{k}: in the model, not in the schema"));

        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        var modelRequired = model.Where(p => p.Value.GetCustomAttribute<ConfigRequiredAttribute>() is not null).Select(p => p.Key).ToHashSet();
        if (!required.SetEquals(modelRequired))
        {
            problems.Add($"{path}: required [{string.Join(",", required)}] vs model [{string.Join(",", modelRequired)}]");
        }

        foreach (var (key, property) in model.Where(m => schemaKeys.Contains(m.Key)))
        {
            var child = schema.GetProperty("properties").GetProperty(key);
            var childPath = path + "." + key;
            if (!child.TryGetProperty("description", out _))
            {
                problems.Add($"{childPath}: no description");
            }

            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var value = property.GetValue(defaults);
            if (ConfigNames.ListElement(t) is { } element)
            {
                Expect(child, "array", childPath, problems);
                var items = child.GetProperty("items");
                if (element == typeof(string))
                {
                    Expect(items, "string", childPath + "[]", problems);
                }
                else
                {
                    Compare(element, items, childPath + "[]", Activator.CreateInstance(element)!, problems);
                }
            }
            else if (t.IsEnum)
            {
                var values = child.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToList();
                if (!values.SequenceEqual(ConfigNames.EnumValues(t)))
                {
                    problems.Add($"{childPath}: enum [{string.Join(",", values)}] vs model [{string.Join(",", ConfigNames.EnumValues(t))}]");
                }

                CompareDefault(child, value is null ? null : ConfigNames.EnumValue(t, value), childPath, problems);
            }
            else if (t == typeof(string))
            {
                Expect(child, "string", childPath, problems);
                CompareDefault(child, (string?)value, childPath, problems);
            }
            else if (t == typeof(bool))
            {
                Expect(child, "boolean", childPath, problems);
                CompareDefault(child, value is null ? null : (bool)value ? "True" : "False", childPath, problems);
            }
            else if (t == typeof(int))
            {
                Expect(child, "integer", childPath, problems);
                CompareDefault(child, value?.ToString(), childPath, problems);
            }
            else if (t == typeof(Keel.Config.Model.DiskSelector))
            {
                // storage.disk is a path or a selector: its mapping form is the oneOf's object branch.
                var mapping = child.GetProperty("oneOf").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "object");
                Compare(t, mapping, childPath, value ?? Activator.CreateInstance(t)!, problems);
            }
            else
            {
                Expect(child, "object", childPath, problems);
                Compare(t, child, childPath, value ?? Activator.CreateInstance(t)!, problems);
            }
        }
    }

    private static void Expect(JsonElement schema, string type, string path, List<string> problems)
    {
        if (schema.GetProperty("type").GetString() != type)
        {
            problems.Add($"{path}: schema type {schema.GetProperty("type")} but the model has {type}");
        }
    }

    private static void CompareDefault(JsonElement schema, string? modelDefault, string path, List<string> problems)
    {
        // Keys whose C# default is "" for required strings (ids, names) have no schema default.
        string? schemaDefault = schema.TryGetProperty("default", out var d) ? d.ValueKind switch
        {
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            _ => d.ToString(),
        } : null;
        if (schemaDefault != modelDefault && !(schemaDefault is null && modelDefault == ""))
        {
            problems.Add($"{path}: schema default '{schemaDefault}' vs model default '{modelDefault}'");
        }
    }
}
