using Keel.Config.Model;
using Keel.Errors;

namespace Keel.Config.Loading;

/// <summary>A bound medium document with its file (for messages), its directory (for relative paths) and its positions.</summary>
public sealed class LoadedMedium(string source, string baseDirectory, MediumConfig config, SourceMap map)
{
    /// <summary>The file name used in messages.</summary>
    public string Source { get; } = source;

    /// <summary>Relative paths in the document resolve against this directory.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    public MediumConfig Config { get; } = config;

    public SourceMap Map { get; } = map;

    /// <summary>An absolute path for a path written in the document.</summary>
    public string Resolve(string path) => System.IO.Path.GetFullPath(path, BaseDirectory);
}

/// <summary>The outcome of loading a medium document: the document when it could be bound, and every diagnostic found.</summary>
public sealed class MediumLoadResult
{
    internal MediumLoadResult(LoadedMedium? medium, List<ConfigDiagnostic> diagnostics, bool unsupported)
    {
        Medium = medium;
        Diagnostics = diagnostics;
        Unsupported = unsupported;
    }

    /// <summary>Null when the document was not a keel/v1 mapping of kind Medium.</summary>
    public LoadedMedium? Medium { get; }

    public List<ConfigDiagnostic> Diagnostics { get; }

    /// <summary>The document declares an apiVersion this keel does not read.</summary>
    public bool Unsupported { get; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}
