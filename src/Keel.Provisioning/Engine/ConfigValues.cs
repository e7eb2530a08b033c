using Keel.Provisioning.Config;

namespace Keel.Provisioning.Engine;

/// <summary>Typed reads of cloud-config values that fail with the key, its line and what was expected.</summary>
public static class ConfigValues
{
    /// <summary>The list at <paramref name="key"/>, null when absent or null; throws InvalidDataException for another type.</summary>
    public static CloudList? List(CloudMap map, string key, string where) => map[key] switch
    {
        null or CloudScalar { IsNull: true } => null,
        CloudList l => l,
        var other => throw WrongType(where, key, other, "a list"),
    };

    /// <summary>The mapping at <paramref name="key"/>, null when absent or null.</summary>
    public static CloudMap? Map(CloudMap map, string key, string where) => map[key] switch
    {
        null or CloudScalar { IsNull: true } => null,
        CloudMap m => m,
        var other => throw WrongType(where, key, other, "a mapping"),
    };

    /// <summary>The scalar text at <paramref name="key"/>, null when absent or null; lists and mappings are errors.</summary>
    public static string? Text(CloudMap map, string key, string where) => map[key] switch
    {
        null or CloudScalar { IsNull: true } => null,
        CloudScalar s => s.Kind == ScalarKind.Binary ? System.Text.Encoding.UTF8.GetString(s.GetBytes()) : s.Text,
        var other => throw WrongType(where, key, other, "a string"),
    };

    /// <summary>A boolean read the way cloud-init's get_cfg_option_bool does (true, "yes", "1" ...).</summary>
    public static bool Bool(CloudMap map, string key, bool defaultValue) => map.GetBool(key, defaultValue);

    /// <summary>An InvalidDataException for a value of the wrong type.</summary>
    public static InvalidDataException WrongType(string where, string key, CloudNode value, string expected) =>
        new($"{where}: '{key}' (line {value.Line}) must be {expected}, not {value.TypeName}");
}
