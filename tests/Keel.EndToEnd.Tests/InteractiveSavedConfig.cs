using YamlDotNet.RepresentationModel;

namespace Keel.EndToEnd.Tests;

/// <summary>The config the interactive installer saved: read as YAML (keel's writer quotes every string), and made replayable by putting the passphrase back.</summary>
internal sealed class InteractiveSavedConfig
{
    private readonly YamlMappingNode _root;

    public InteractiveSavedConfig(string text)
    {
        Text = text;
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        _root = (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The text as saved, header comment included.</summary>
    public string Text { get; }

    /// <summary>A scalar by its dotted path (e.g. "storage.encryption.type"), or null when it is not there.</summary>
    public string? Scalar(string path)
    {
        YamlNode? node = _root;
        foreach (var key in path.Split('.'))
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return (node as YamlScalarNode)?.Value;
    }

    /// <summary>Every user's name, sudo flag, groups and authorized keys.</summary>
    public IReadOnlyList<(string Name, bool Sudo, IReadOnlyList<string> Groups, IReadOnlyList<string> Keys)> Users()
    {
        if (!_root.Children.TryGetValue(new YamlScalarNode("users"), out var users) || users is not YamlSequenceNode list)
        {
            return [];
        }

        return list.Children.OfType<YamlMappingNode>().Select(u => (
            Value(u, "name") ?? "",
            Value(u, "sudo") == "true",
            Strings(u, "groups"),
            Strings(u, "sshAuthorizedKeys"))).ToList();
    }

    /// <summary>The config with storage.encryption.passphrase set again (the installer removed it before saving).</summary>
    public string WithPassphrase(string passphrase)
    {
        var storage = (YamlMappingNode)_root.Children[new YamlScalarNode("storage")];
        var encryption = (YamlMappingNode)storage.Children[new YamlScalarNode("encryption")];
        encryption.Children[new YamlScalarNode("passphrase")] = new YamlScalarNode(passphrase) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted };
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(_root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static string? Value(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) ? (node as YamlScalarNode)?.Value : null;

    private static IReadOnlyList<string> Strings(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
            : [];
}
