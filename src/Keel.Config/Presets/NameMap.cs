using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Config.Presets;

/// <summary>Package names that differ from Fedora's in a distribution: a request for the Fedora name is rewritten, and the rewrite is reported.</summary>
public sealed class NameMap
{
    private readonly Dictionary<string, string> _names;

    public NameMap(IReadOnlyDictionary<string, string> names) => _names = new Dictionary<string, string>(names, StringComparer.Ordinal);

    /// <summary>A map that changes nothing.</summary>
    public static NameMap Empty { get; } = new(new Dictionary<string, string>());

    public int Count => _names.Count;

    /// <summary>The distribution's name for <paramref name="requested"/> (itself when unmapped); <paramref name="mapped"/> tells whether it changed.</summary>
    public string Map(string requested, out bool mapped)
    {
        // Only a bare name is mapped; "audit >= 3" or a path is passed through as written.
        mapped = _names.TryGetValue(requested, out var name);
        return mapped ? name! : requested;
    }

    /// <summary>Reads a name-map file: a mapping under `names:` from the Fedora name to the distribution's name.</summary>
    public static NameMap Load(string path)
    {
        try
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(path))
            {
                stream.Load(reader);
            }

            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root
                || !root.Children.TryGetValue(new YamlScalarNode("names"), out var node) || node is not YamlMappingNode map)
            {
                throw new InvalidDataException($"{path}: a name map must be one mapping with a 'names' mapping of fedora-name: distribution-name");
            }

            foreach (var (key, value) in map.Children)
            {
                if (key is not YamlScalarNode { Value: { Length: > 0 } from } || value is not YamlScalarNode { Value: { Length: > 0 } to })
                {
                    throw new InvalidDataException($"{path}:{key.Start.Line}: each name-map entry maps one package name to one package name");
                }

                names[from] = to;
            }

            return new NameMap(names);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{path}:{ex.Start.Line}: malformed YAML in name map", ex);
        }
    }
}
