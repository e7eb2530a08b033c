using Keel.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Config.Loading;

/// <summary>Binds a whole YAML document to a model type, for data files keel ships (presets): the first error is thrown.</summary>
internal static class YamlModelReader
{
    public static T Read<T>(string text, string source) where T : class, new()
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source}:{ex.Start.Line}:{ex.Start.Column}: malformed YAML", ex);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{source}: expected one YAML document holding a mapping");
        }

        var result = new ConfigBinder(diagnostics, new SourceMap()).Bind<T>(root);
        if (diagnostics.FirstOrDefault(d => d.Severity == Severity.Error) is { } error)
        {
            throw new InvalidDataException(error.Format(source));
        }

        return result;
    }
}
