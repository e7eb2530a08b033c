using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Installer.Api;
using Keel.Installer.Service.Packages;
using Keel.Packaging;
using Keel.Repository;

namespace Keel.Installer.Service.Session.Packages;

/// <summary>
/// Screen 6: the preset, packages added and removed, the resolved selection with its installed size, search, and the
/// presets with what each installs from the chosen source. Resolution is the engine's (<see cref="PackageRequest"/>,
/// the pool and the solver); repositories are loaded once per source.
/// </summary>
public sealed class PackageSection(InstallerSessionOptions options, RepositoryCache repositories) : IDisposable
{
    /// <summary>Most search answers returned at once.</summary>
    public const int SearchLimit = 200;

    // The live medium's own root: a preset of the distribution, never an install choice.
    private static readonly string[] HiddenPresets = ["live"];

    private readonly Dictionary<string, PresetSummary> _presets = new(StringComparer.Ordinal);
    private (string Key, ResolvedSelection Selection)? _selection;

    /// <summary>The choice as the client sent it.</summary>
    public PackageSettings Settings { get; private set; } = new("", [], []);

    /// <summary>The section's own errors (an unknown preset, an added name no repository has).</summary>
    public List<FieldError> OwnErrors { get; } = [];

    /// <summary>Sets the preset, additions and removals on the draft; names the source lacks become field errors on packages.include.</summary>
    public async Task ApplyAsync(PackageSettings settings, MachineConfig draft, LoadedConfig? loaded, string sourceKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        OwnErrors.Clear();
        Settings = settings;
        var presets = options.Presets.PresetNames(draft.Distribution);
        if (!presets.Contains(settings.Preset, StringComparer.Ordinal))
        {
            OwnErrors.Add(new FieldError("preset", $"'{settings.Preset}' is not a preset of {draft.Distribution}", $"one of: {string.Join(", ", presets.Except(HiddenPresets))}"));
        }
        else
        {
            draft.Preset = settings.Preset;
        }

        var known = new List<string>();
        if (loaded is not null && settings.Add.Count > 0)
        {
            var names = await NamesAsync(sourceKey, loaded, cancellationToken).ConfigureAwait(false);
            var map = options.Presets.LoadNameMap(draft.Distribution);
            for (int i = 0; i < settings.Add.Count; i++)
            {
                var name = settings.Add[i].Trim();
                if (names.Contains(map.Map(name, out _)))
                {
                    known.Add(name);
                }
                else
                {
                    var close = Suggestions.Closest(name, names);
                    OwnErrors.Add(new FieldError($"packages.include[{i}]", $"no package named '{name}' in the installation source", close is null ? null : $"did you mean '{close}'?"));
                }
            }
        }

        draft.Packages.Include = [.. known.Distinct(StringComparer.Ordinal)];
        draft.Packages.Exclude = [.. settings.Remove.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The selection of <paramref name="loaded"/> (the written draft), resolved and cached until the config changes.</summary>
    public async Task<ResolvedSelection> ResolveAsync(DraftCheck check, string sourceKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (check.Loaded is not { } loaded)
        {
            return new ResolvedSelection([], [], null, ["the session's config does not bind"]);
        }

        var key = sourceKey + "\n" + check.Yaml;
        if (_selection is { } cached && cached.Key == key)
        {
            return cached.Selection;
        }

        PackageRequest request;
        try
        {
            request = PackageRequest.Build(loaded, options.Presets);
        }
        catch (InvalidDataException ex)
        {
            return new ResolvedSelection([], [], null, [ex.Message]);
        }

        var repos = await repositories.LoadAsync(sourceKey, loaded, cancellationToken).ConfigureAwait(false);
        var names = options.Presets.LoadNameMap(loaded.Config.Distribution);
        var fromPreset = request.Preset.Packages.Select(p => names.Map(p, out _)).ToHashSet(StringComparer.Ordinal);
        var selection = PackageSelectionResolver.Resolve(request, repos, loaded.Config.Arch) with
        {
            Origins = [.. request.Install.Select(spec => new RequestedPackage(spec, fromPreset.Contains(spec) ? $"the preset {loaded.Config.Preset}" : "your addition"))],
        };
        _selection = (key, selection);
        return selection;
    }

    /// <summary>The view of a resolved selection, with the section's errors.</summary>
    public PackageSelectionView View(ResolvedSelection selection, IEnumerable<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var requested = selection.Requested.ToHashSet(StringComparer.Ordinal);
        var problems = selection.Problems.Select(p => new FieldError("packages", p));
        return new PackageSelectionView(
            [.. selection.Packages.Select(p => Entry(p, true, requested.Contains(p.Name)))],
            selection.InstalledBytes,
            [.. OwnErrors, .. errors, .. problems]);
    }

    /// <summary>Every preset of the distribution with its title, description and what it installs from the source (computed once per source).</summary>
    public async Task<IReadOnlyList<PresetSummary>> PresetsAsync(string distribution, LoadedConfig loaded, string sourceKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var names = options.Presets.PresetNames(distribution).Except(HiddenPresets, StringComparer.Ordinal)
            .OrderBy(n => options.Info.Presets.ToList().IndexOf(n) is var i && i >= 0 ? i : int.MaxValue).ThenBy(n => n, StringComparer.Ordinal).ToList();
        var result = new List<PresetSummary>();
        foreach (var name in names)
        {
            var key = sourceKey + "\n" + distribution + "\n" + name;
            if (!_presets.TryGetValue(key, out var summary))
            {
                var file = options.Presets.FindPreset(distribution, name)!;
                var preset = PresetCatalog.LoadPresetFile(file);
                var map = options.Presets.LoadNameMap(distribution);
                var repos = await repositories.LoadAsync(sourceKey, loaded, cancellationToken).ConfigureAwait(false);
                var selection = PackageSelectionResolver.Resolve([.. preset.Packages.Select(p => map.Map(p, out _))], [], repos, Keel.Install.ConfigRepositories.ArchName(loaded.Config.Arch));
                summary = new PresetSummary(name, Title(name), preset.Description, selection.Packages.Count, selection.InstalledBytes);
                _presets[key] = summary;
            }

            result.Add(summary);
        }

        return result;
    }

    /// <summary>Packages of the source whose name or summary contains <paramref name="query"/> (case-insensitive), best version of each name.</summary>
    public async Task<IReadOnlyList<PackageEntry>> SearchAsync(string query, LoadedConfig loaded, string sourceKey, ResolvedSelection? selection, CancellationToken cancellationToken)
    {
        var repos = await repositories.LoadAsync(sourceKey, loaded, cancellationToken).ConfigureAwait(false);
        var selected = selection?.Packages.Select(p => p.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var requested = selection?.Requested.ToHashSet(StringComparer.Ordinal) ?? [];
        var q = query.Trim();
        return [.. Newest(repos)
            .Where(p => q.Length == 0 || p.Name.Contains(q, StringComparison.OrdinalIgnoreCase) || (p.Summary?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false))
            .OrderBy(p => p.Name.StartsWith(q, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(SearchLimit)
            .Select(p => Entry(p, selected.Contains(p.Name), requested.Contains(p.Name)))];
    }

    /// <summary>Why <paramref name="name"/> is in <paramref name="selection"/>: the shortest chain from a request (<see cref="PackageReasons"/>).</summary>
    public static WhyAnswer Why(string name, ResolvedSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return new PackageReasons(selection.Packages, selection.Origins).Explain(name);
    }

    /// <summary>Whether any repository of the source has a package named <paramref name="name"/>.</summary>
    public async Task<bool> ExistsAsync(string name, LoadedConfig loaded, string sourceKey, CancellationToken cancellationToken) =>
        (await NamesAsync(sourceKey, loaded, cancellationToken).ConfigureAwait(false)).Contains(name);

    public void Dispose() => repositories.Dispose();

    /// <summary>"container-host" as a title: "Container Host".</summary>
    public static string Title(string name) =>
        string.Join(' ', name.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static PackageEntry Entry(PackageMetadata p, bool selected, bool requested) =>
        new(p.Name, p.Evr.ToString(), p.Summary ?? "", p.InstalledSize, selected, requested);

    private static IEnumerable<PackageMetadata> Newest(IReadOnlyList<LoadedRepository> repos) =>
        repos.SelectMany(r => r.Packages).GroupBy(p => p.Name, StringComparer.Ordinal).Select(g => g.MaxBy(p => p.Evr)!);

    private async Task<HashSet<string>> NamesAsync(string sourceKey, LoadedConfig loaded, CancellationToken cancellationToken) =>
        (await repositories.LoadAsync(sourceKey, loaded, cancellationToken).ConfigureAwait(false)).SelectMany(r => r.Packages).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
}
