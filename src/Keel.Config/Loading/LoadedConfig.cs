using Keel.Config.Model;
using Keel.Errors;

namespace Keel.Config.Loading;

/// <summary>A bound config with where it came from: its file (for messages), its directory (for relative paths) and its positions.</summary>
public sealed class LoadedConfig
{
    public LoadedConfig(string source, string baseDirectory, MachineConfig config, SourceMap map)
    {
        Source = source;
        BaseDirectory = baseDirectory;
        Config = config;
        Map = map;
    }

    /// <summary>The file name used in messages.</summary>
    public string Source { get; }

    /// <summary>Relative paths in the config resolve against this directory.</summary>
    public string BaseDirectory { get; }

    public MachineConfig Config { get; }

    public SourceMap Map { get; }

    /// <summary>An absolute path for a path written in the config.</summary>
    public string Resolve(string path) => System.IO.Path.GetFullPath(path, BaseDirectory);
}

/// <summary>The outcome of loading: the config when it could be bound, and every diagnostic found.</summary>
public sealed class ConfigLoadResult
{
    internal ConfigLoadResult(LoadedConfig? config, List<ConfigDiagnostic> diagnostics, bool unsupported)
    {
        Config = config;
        Diagnostics = diagnostics;
        Unsupported = unsupported;
    }

    /// <summary>Null when the document was not a keel/v1 mapping at all.</summary>
    public LoadedConfig? Config { get; }

    public List<ConfigDiagnostic> Diagnostics { get; }

    /// <summary>The document declares an apiVersion this keel does not read.</summary>
    public bool Unsupported { get; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}
