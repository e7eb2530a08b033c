using Keel.Config.Loading;
using Keel.Config.Model;

namespace Keel.Config.Presets;

/// <summary>A requested name rewritten by the distribution's name map.</summary>
public sealed record NameMapping(string Path, string Requested, string Name);

/// <summary>What a config asks the resolver for: the preset's packages plus includes, minus excludes, with names mapped.</summary>
public sealed record PackageRequest(
    string PresetFile,
    PresetDefinition Preset,
    IReadOnlyList<string> Install,
    IReadOnlyList<string> Exclude,
    IReadOnlyList<NameMapping> Mappings)
{
    /// <summary>What an encrypted root adds to any preset (the initramfs opens the root with the target's cryptsetup).</summary>
    public static IReadOnlyList<string> EncryptionPackages { get; } = ["cryptsetup"];

    /// <summary>Builds the request; throws InvalidDataException when the preset cannot be found or read.</summary>
    public static PackageRequest Build(LoadedConfig loaded, PresetCatalog catalog)
    {
        var config = loaded.Config;
        var presetFile = FindPresetFile(loaded, catalog)
            ?? throw new InvalidDataException($"{loaded.Source}: preset '{config.Preset}' of distribution '{config.Distribution}' not found on the preset path ({string.Join(":", catalog.SearchPath)})");
        var preset = PresetCatalog.LoadPresetFile(presetFile);
        var names = catalog.LoadNameMap(config.Distribution);
        var mappings = new List<NameMapping>();

        List<string> MapAll(List<string> requested, string path)
        {
            var result = new List<string>(requested.Count);
            for (int i = 0; i < requested.Count; i++)
            {
                var name = names.Map(requested[i], out bool mapped);
                if (mapped)
                {
                    mappings.Add(new NameMapping($"{path}[{i}]", requested[i], name));
                }

                result.Add(name);
            }

            return result;
        }

        var include = MapAll(config.Packages.Include, "packages.include");
        var exclude = MapAll(config.Packages.Exclude, "packages.exclude");
        var excluded = new HashSet<string>(exclude, StringComparer.Ordinal);
        // An encrypted root is opened by the initramfs, which takes cryptsetup from the target: the machine needs it
        // whatever the preset says (as Anaconda adds it), unless the config excludes it on purpose (the build then says why it fails).
        IEnumerable<string> implied = config.Storage.Encryption is null ? [] : EncryptionPackages.Select(p => names.Map(p, out _));
        var install = preset.Packages.Concat(include).Concat(implied).Where(p => !excluded.Contains(p)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new PackageRequest(presetFile, preset, install, exclude, mappings);
    }

    /// <summary>The preset file a config names: a path (contains '/' or ends in .yaml, relative to the config) or a name in the catalog.</summary>
    public static string? FindPresetFile(LoadedConfig loaded, PresetCatalog catalog)
    {
        var preset = loaded.Config.Preset;
        if (preset.Contains('/', StringComparison.Ordinal) || preset.EndsWith(".yaml", StringComparison.Ordinal))
        {
            var file = loaded.Resolve(preset);
            return File.Exists(file) ? file : null;
        }

        return catalog.FindPreset(loaded.Config.Distribution, preset);
    }
}
