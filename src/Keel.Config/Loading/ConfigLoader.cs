using Keel.Config.Model;
using Keel.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keel.Config.Loading;

/// <summary>Reads a keel/v1 YAML config into the model, reporting every structural error with line:column, path and hint.</summary>
public static class ConfigLoader
{
    /// <summary>Largest config file accepted, in bytes.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Deepest YAML nesting accepted (the model itself is five levels deep).</summary>
    public const int MaxDepth = 32;

    /// <summary>Reads and binds <paramref name="path"/>; IO failures propagate as IOException.</summary>
    public static ConfigLoadResult LoadFile(string path) =>
        Parse(ReadBounded(path), path, Path.GetDirectoryName(Path.GetFullPath(path))!);

    /// <summary>Binds YAML <paramref name="text"/>; <paramref name="source"/> names it in messages, relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static ConfigLoadResult Parse(string text, string source, string baseDirectory)
    {
        var (config, map, diagnostics, unsupported) = ParseDocument<MachineConfig>(text, "Machine");
        return new ConfigLoadResult(config is null ? null : new LoadedConfig(source, baseDirectory, config, map), diagnostics, unsupported);
    }

    /// <summary>Reads and binds a `kind: Medium` document at <paramref name="path"/>; IO failures propagate as IOException.</summary>
    public static MediumLoadResult LoadMediumFile(string path)
    {
        var text = ReadBounded(path);
        var (config, map, diagnostics, unsupported) = ParseDocument<MediumConfig>(text, "Medium");
        var loaded = config is null ? null : new LoadedMedium(path, Path.GetDirectoryName(Path.GetFullPath(path))!, config, map);
        return new MediumLoadResult(loaded, diagnostics, unsupported);
    }

    private static string ReadBounded(string path)
    {
        var info = new FileInfo(path);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: is a directory, not a config file");
        }

        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such config file", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: config of {info.Length} bytes exceeds the limit of {MaxFileBytes}");
        }

        return File.ReadAllText(path);
    }

    // One document of kind <paramref name="kind"/>: shape and apiVersion checked, then bound to T. A document of the
    // other kind is refused by name, so `keel build medium.yaml` says what the file is instead of listing unknown keys.
    private static (T? Config, SourceMap Map, List<ConfigDiagnostic> Diagnostics, bool Unsupported) ParseDocument<T>(string text, string kind)
        where T : class, new()
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var map = new SourceMap();
        YamlMappingNode root;
        try
        {
            CheckShape(text);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                var (line, col) = stream.Documents.Count > 0 ? ((int)stream.Documents[0].RootNode.Start.Line, (int)stream.Documents[0].RootNode.Start.Column) : (1, 1);
                diagnostics.Add(new ConfigDiagnostic(Severity.Error, "", line, col,
                    stream.Documents.Count == 0 ? "the document is empty" : stream.Documents.Count > 1 ? "expected one YAML document, found several" : "the document must be a mapping of keys",
                    "start with 'apiVersion: keel/v1'"));
                return (null, map, diagnostics, false);
            }

            root = mapping;
        }
        catch (YamlException ex)
        {
            diagnostics.Add(new ConfigDiagnostic(Severity.Error, "", (int)ex.Start.Line, (int)ex.Start.Column, "malformed YAML: " + OneLine(ex)));
            return (null, map, diagnostics, false);
        }

        if (!CheckApiVersion(root, diagnostics))
        {
            return (null, map, diagnostics, true);
        }

        if (root.Children.TryGetValue(new YamlScalarNode("kind"), out var kindNode) && kindNode is YamlScalarNode { Value: { } declared }
            && declared != kind && declared is "Machine" or "Medium")
        {
            diagnostics.Add(new ConfigDiagnostic(Severity.Error, "kind", (int)kindNode.Start.Line, (int)kindNode.Start.Column,
                $"this is a '{declared}' document, not a '{kind}' one",
                declared == "Medium" ? "build an installer medium with 'keel media build'" : "install or build a machine with 'keel install' or 'keel build'"));
            return (null, map, diagnostics, false);
        }

        map.Add("", (int)root.Start.Line, (int)root.Start.Column);
        var config = new ConfigBinder(diagnostics, map).Bind<T>(root);
        return (config, map, diagnostics, false);
    }

    /// <summary>False (with a diagnostic) for an apiVersion other than keel/v1; a missing one is an ordinary error the binder reports.</summary>
    private static bool CheckApiVersion(YamlMappingNode root, List<ConfigDiagnostic> diagnostics)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("apiVersion"), out var node) || node is not YamlScalarNode { Value: { } version }
            || version == MachineConfig.CurrentApiVersion)
        {
            return true;
        }

        string? hint = Suggestions.Distance(version, MachineConfig.CurrentApiVersion) <= 2 ? $"did you mean '{MachineConfig.CurrentApiVersion}'?" : $"this keel reads {MachineConfig.CurrentApiVersion}";
        diagnostics.Add(new ConfigDiagnostic(Severity.Error, "apiVersion", (int)node.Start.Line, (int)node.Start.Column, $"unsupported apiVersion '{version}'", hint));
        return false;
    }

    /// <summary>Bounds nesting before the recursive representation model is built.</summary>
    private static void CheckShape(string text)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        throw new YamlException(parser.Current.Start, parser.Current.End, $"nesting deeper than {MaxDepth} levels");
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    private static string OneLine(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: l, Col: c, Idx: i) - (...): "; the position is reported separately.
        var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        int cut = message.IndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message).ReplaceLineEndings(" ");
    }
}
