namespace Keel.Config.Model;

/// <summary>The spelling of an enum member in the YAML config and the JSON Schema.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ConfigValueAttribute(string name) : Attribute
{
    /// <summary>The spelling in YAML.</summary>
    public string Name { get; } = name;
}

/// <summary>Marks a config key that must be present in its mapping.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigRequiredAttribute : Attribute;
