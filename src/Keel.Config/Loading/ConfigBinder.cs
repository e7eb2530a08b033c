using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Keel.Config.Model;
using Keel.Errors;
using YamlDotNet.RepresentationModel;

namespace Keel.Config.Loading;

/// <summary>
/// Fills model objects from a YAML node tree, collecting every error (unknown key, wrong type, bad enum value, missing
/// required key) with its path and position instead of stopping at the first. Scalars are read as text and converted
/// here, so YAML 1.1 surprises (yes/no booleans, 0644 octal) cannot change a value silently.
/// </summary>
internal sealed class ConfigBinder
{
    /// <summary>Most nodes visited; aliases can multiply a small document.</summary>
    public const int MaxNodes = 100_000;

    private readonly List<ConfigDiagnostic> _diagnostics;
    private readonly SourceMap _map;
    private readonly NullabilityInfoContext _nullability = new();
    private int _nodes;

    public ConfigBinder(List<ConfigDiagnostic> diagnostics, SourceMap map)
    {
        _diagnostics = diagnostics;
        _map = map;
    }

    // T is not annotated (YamlModelReader.Read<T> passes its own T through): every T is a Keel.Config.Model class
    // (MachineConfig, PresetDefinition), kept whole in a trimmed keel like the types below it; see ConfigNames.Model.
    public T Bind<T>(YamlMappingNode node) where T : class, new() => (T)BindObject(ConfigNames.Model(typeof(T)), node, "")!;

    private object? BindObject([DynamicallyAccessedMembers(ConfigNames.ModelMembers)] Type type, YamlMappingNode node, string path)
    {
        var result = Activator.CreateInstance(type)!;
        var properties = ConfigNames.Properties(type).ToDictionary(ConfigNames.Key, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, path, "a key must be a plain string");
                continue;
            }

            string childPath = path.Length == 0 ? key : path + "." + key;
            if (!properties.TryGetValue(key, out var property))
            {
                var hint = Suggestions.Hint(key, properties.Keys) ?? "allowed keys: " + string.Join(", ", properties.Keys);
                Error(keyNode, childPath, $"unknown key '{key}'", hint);
                continue;
            }

            seen.Add(key);
            _map.Add(childPath, (int)valueNode.Start.Line, (int)valueNode.Start.Column);
            if (IsNull(valueNode))
            {
                if (IsNullable(property))
                {
                    property.SetValue(result, null);
                }
                else if (ConfigNames.ListElement(property.PropertyType) is null && !IsModelClass(property.PropertyType))
                {
                    Error(valueNode, childPath, $"'{key}' needs a value");
                }

                continue;
            }

            if (TryConvert(property.PropertyType, valueNode, childPath, out var value))
            {
                property.SetValue(result, value);
            }
        }

        foreach (var (key, property) in properties)
        {
            if (!seen.Contains(key) && property.GetCustomAttribute<ConfigRequiredAttribute>() is not null)
            {
                Error(node, path, $"missing required key '{key}'");
            }
        }

        return result;
    }

    private bool TryConvert(Type type, YamlNode node, string path, out object? value)
    {
        value = null;
        if (++_nodes > MaxNodes)
        {
            if (_nodes == MaxNodes + 1)
            {
                Error(node, path, $"the document expands to more than {MaxNodes} values (through aliases?)");
            }

            return false;
        }

        var underlying = ConfigNames.Model(Nullable.GetUnderlyingType(type) ?? type);
        if (ConfigNames.ListElement(underlying) is { } element)
        {
            if (node is not YamlSequenceNode sequence)
            {
                Error(node, path, $"expected a list, found {Describe(node)}", node is YamlScalarNode s ? $"write it as a list: [{s.Value}]" : null);
                return false;
            }

            var list = (System.Collections.IList)Activator.CreateInstance(underlying)!;
            int i = 0;
            foreach (var item in sequence.Children)
            {
                string itemPath = $"{path}[{i++}]";
                _map.Add(itemPath, (int)item.Start.Line, (int)item.Start.Column);
                if (IsNull(item))
                {
                    Error(item, itemPath, "empty list item");
                }
                else if (TryConvert(element, item, itemPath, out var v))
                {
                    list.Add(v);
                }
            }

            value = list;
            return true;
        }

        // storage.disk is a path or a selector mapping.
        if (underlying == typeof(DiskSelector) && node is YamlScalarNode { Value: { Length: > 0 } diskPath })
        {
            value = DiskSelector.ForPath(diskPath);
            return true;
        }

        if (IsModelClass(underlying))
        {
            if (node is not YamlMappingNode mapping)
            {
                Error(node, path, $"expected a mapping of keys, found {Describe(node)}");
                return false;
            }

            value = BindObject(underlying, mapping, path);
            return true;
        }

        if (node is not YamlScalarNode { Value: { } text })
        {
            Error(node, path, $"expected a single value, found {Describe(node)}");
            return false;
        }

        if (underlying == typeof(string))
        {
            value = text;
            return true;
        }

        if (underlying == typeof(bool))
        {
            switch (text)
            {
                case "true" or "True" or "TRUE":
                    value = true;
                    return true;
                case "false" or "False" or "FALSE":
                    value = false;
                    return true;
                default:
                    var yes = text.ToLowerInvariant() is "yes" or "on" or "y" or "1";
                    var no = text.ToLowerInvariant() is "no" or "off" or "n" or "0";
                    Error(node, path, $"'{text}' is not a boolean", yes ? "did you mean 'true'?" : no ? "did you mean 'false'?" : "use true or false");
                    return false;
            }
        }

        if (underlying == typeof(int))
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                value = n;
                return true;
            }

            Error(node, path, $"'{text}' is not a whole number");
            return false;
        }

        if (underlying.IsEnum)
        {
            if (ConfigNames.TryParseEnum(underlying, text, out value))
            {
                return true;
            }

            var allowed = ConfigNames.EnumValues(underlying);
            Error(node, path, $"'{text}' is not one of: {string.Join(", ", allowed)}", Suggestions.Hint(text, allowed));
            return false;
        }

        throw new NotSupportedException($"config model type {underlying.Name} has no YAML conversion");
    }

    private static bool IsModelClass(Type type) => type.IsClass && type != typeof(string) && type.Namespace == typeof(MachineConfig).Namespace;

    private bool IsNullable(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null || _nullability.Create(property).WriteState == NullabilityState.Nullable;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "an alias",
    };

    private void Error(YamlNode node, string path, string message, string? hint = null) =>
        _diagnostics.Add(new ConfigDiagnostic(Severity.Error, path, (int)node.Start.Line, (int)node.Start.Column, message, hint));
}
