using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Errors;

namespace Keel.Config.Validation;

/// <summary>What the semantic rules share: the config, the preset catalog, the host facts they consult, and the findings.</summary>
internal sealed class ValidationContext(LoadedConfig loaded, PresetCatalog catalog, string zoneinfoDirectory)
{
    public LoadedConfig Loaded { get; } = loaded;

    public PresetCatalog Catalog { get; } = catalog;

    public string ZoneinfoDirectory { get; } = zoneinfoDirectory;

    public List<ConfigDiagnostic> Diagnostics { get; } = [];

    public void Error(string path, string message, string? hint = null) => Add(Severity.Error, path, message, hint);

    public void Warn(string path, string message, string? hint = null) => Add(Severity.Warning, path, message, hint);

    public void Info(string path, string message, string? hint = null) => Add(Severity.Info, path, message, hint);

    private void Add(Severity severity, string path, string message, string? hint)
    {
        var (line, column) = Loaded.Map.Find(path);
        Diagnostics.Add(new ConfigDiagnostic(severity, path, line, column, message, hint));
    }
}
