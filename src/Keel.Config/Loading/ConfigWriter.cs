using System.Globalization;
using Keel.Config.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Config.Loading;

/// <summary>Writes a model back as keel/v1 YAML, every key explicit (so the output shows the effective config with defaults).</summary>
public static class ConfigWriter
{
    /// <summary>The YAML text of <paramref name="config"/>.</summary>
    public static string Write(MachineConfig config)
    {
        var stream = new YamlStream(new YamlDocument(ToNode(config)!));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends each document with "...": harmless, but noise for people.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode? ToNode(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted };
            case bool b:
                return new YamlScalarNode(b ? "true" : "false");
            case int i:
                return new YamlScalarNode(i.ToString(CultureInfo.InvariantCulture));
            case DiskSelector { Path: { } diskPath }:
                return new YamlScalarNode(diskPath) { Style = ScalarStyle.DoubleQuoted };
            case Enum e:
                return new YamlScalarNode(ConfigNames.EnumValue(e.GetType(), e));
            case System.Collections.IList list:
                var sequence = new YamlSequenceNode();
                foreach (var item in list)
                {
                    sequence.Add(ToNode(item)!);
                }

                return sequence;
            default:
                var mapping = new YamlMappingNode();
                foreach (var property in ConfigNames.Properties(value.GetType()))
                {
                    if (ToNode(property.GetValue(value)) is { } child)
                    {
                        mapping.Add(ConfigNames.Key(property), child);
                    }
                }

                return mapping;
        }
    }
}
