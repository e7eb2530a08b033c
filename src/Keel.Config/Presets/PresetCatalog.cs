using Keel.Config.Loading;
using Keel.Config.Model;

namespace Keel.Config.Presets;

/// <summary>
/// Finds presets and name maps on a search path. Each directory on the path holds one folder per distribution
/// (DIR/DISTRIBUTION/PRESET.yaml and DIR/DISTRIBUTION/name-map.yaml); the first directory that has a file wins.
/// </summary>
public sealed class PresetCatalog
{
    /// <summary>Environment variable with extra preset directories (colon-separated), searched first.</summary>
    public const string PathVariable = "KEEL_PRESET_PATH";

    /// <summary>Where a system-wide installation keeps presets.</summary>
    public const string SystemDirectory = "/usr/share/keel/presets";

    public PresetCatalog(IEnumerable<string> searchPath) => SearchPath = searchPath.Select(Path.GetFullPath).Distinct().ToList();

    public IReadOnlyList<string> SearchPath { get; }

    /// <summary>The default path: <paramref name="extra"/> directories, then $KEEL_PRESET_PATH, then the presets beside the keel binary, then /usr/share/keel/presets.</summary>
    public static PresetCatalog CreateDefault(IEnumerable<string>? extra = null)
    {
        var path = new List<string>(extra ?? []);
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } env)
        {
            path.AddRange(env.Split(':', StringSplitOptions.RemoveEmptyEntries));
        }

        path.Add(Path.Combine(AppContext.BaseDirectory, "presets"));
        path.Add(SystemDirectory);
        return new PresetCatalog(path);
    }

    /// <summary>Every distribution found on the search path.</summary>
    public IReadOnlyList<string> Distributions() =>
        SearchPath.Where(Directory.Exists).SelectMany(Directory.EnumerateDirectories).Select(Path.GetFileName)
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The preset names of <paramref name="distribution"/>.</summary>
    public IReadOnlyList<string> PresetNames(string distribution) =>
        SearchPath.Select(d => Path.Combine(d, distribution)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.yaml")).Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(n => n != "name-map").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The file defining preset <paramref name="name"/> of <paramref name="distribution"/>, or null.</summary>
    public string? FindPreset(string distribution, string name) => Find(distribution, name + ".yaml");

    /// <summary>Loads a preset file; a malformed one throws InvalidDataException naming the file and line.</summary>
    public static PresetDefinition LoadPresetFile(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > ConfigLoader.MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: preset of {info.Length} bytes exceeds the limit of {ConfigLoader.MaxFileBytes}");
        }

        return YamlModelReader.Read<PresetDefinition>(File.ReadAllText(path), path);
    }

    /// <summary>The name map of <paramref name="distribution"/>; empty when it has none.</summary>
    public NameMap LoadNameMap(string distribution) =>
        Find(distribution, "name-map.yaml") is { } file ? NameMap.Load(file) : NameMap.Empty;

    private string? Find(string distribution, string file)
    {
        // A distribution name is a directory name, never a path.
        if (distribution.Length == 0 || distribution.Contains('/', StringComparison.Ordinal) || distribution.StartsWith('.'))
        {
            return null;
        }

        return SearchPath.Select(d => Path.Combine(d, distribution, file)).FirstOrDefault(File.Exists);
    }
}
