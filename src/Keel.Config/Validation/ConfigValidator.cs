using Keel.Config.Loading;
using Keel.Config.Presets;

namespace Keel.Config.Validation;

/// <summary>The checks beyond the schema: sizes, mount points, the ESP, names, keys, the preset, the host's time zones and what the engine cannot do.</summary>
public static class ConfigValidator
{
    /// <summary>Where the host keeps its time zone database; a time zone is checked against it as a stand-in for the target's tzdata.</summary>
    public const string DefaultZoneinfo = "/usr/share/zoneinfo";

    /// <summary>Every semantic finding about <paramref name="loaded"/>, in document order.</summary>
    public static List<ConfigDiagnostic> Validate(LoadedConfig loaded, PresetCatalog catalog, string zoneinfoDirectory = DefaultZoneinfo)
    {
        var context = new ValidationContext(loaded, catalog, zoneinfoDirectory);
        PackageRules.Check(context);
        StorageRules.Check(context);
        AccountRules.Check(context);
        SystemRules.Check(context);
        EngineRules.Check(context);
        return context.Diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
    }

    /// <summary>Loads <paramref name="path"/> and validates it: structural and semantic diagnostics together.</summary>
    public static ConfigLoadResult LoadAndValidate(string path, PresetCatalog catalog, string zoneinfoDirectory = DefaultZoneinfo)
    {
        var result = ConfigLoader.LoadFile(path);
        if (result.Config is not null)
        {
            result.Diagnostics.AddRange(Validate(result.Config, catalog, zoneinfoDirectory));
            result.Diagnostics.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        }

        return result;
    }
}
