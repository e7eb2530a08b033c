using System.Text.RegularExpressions;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Errors;

namespace Keel.Config.Validation;

/// <summary>The checks of a `kind: Medium` document beyond its shape: distribution, presets, label, carried and online repositories.</summary>
public static partial class MediumValidator
{
    /// <summary>Every semantic finding about <paramref name="medium"/>, in document order.</summary>
    public static List<ConfigDiagnostic> Validate(LoadedMedium medium, PresetCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(medium);
        ArgumentNullException.ThrowIfNull(catalog);
        var found = new List<ConfigDiagnostic>();
        void Add(Severity severity, string path, string message, string? hint = null)
        {
            var (line, column) = medium.Map.Find(path);
            found.Add(new ConfigDiagnostic(severity, path, line, column, message, hint));
        }

        var config = medium.Config;
        var distributions = catalog.Distributions();
        if (!distributions.Contains(config.Distribution))
        {
            Add(Severity.Error, "distribution", $"unknown distribution '{config.Distribution}' (known: {string.Join(", ", distributions)})",
                Suggestions.Hint(config.Distribution, distributions));
        }
        else
        {
            var names = catalog.PresetNames(config.Distribution);
            if (config.Presets.Count == 0)
            {
                Add(Severity.Error, "presets", "a medium offers at least one preset", "list presets such as container-host");
            }

            for (int i = 0; i < config.Presets.Count; i++)
            {
                if (catalog.FindPreset(config.Distribution, config.Presets[i]) is null)
                {
                    Add(Severity.Error, $"presets[{i}]", $"unknown preset '{config.Presets[i]}' for {config.Distribution} (known: {string.Join(", ", names)})",
                        Suggestions.Hint(config.Presets[i], names));
                }
            }

            foreach (var duplicate in config.Presets.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add(Severity.Error, $"presets[{config.Presets.LastIndexOf(duplicate.Key)}]", $"preset '{duplicate.Key}' is listed twice");
            }

            var live = config.Live.Preset;
            bool isPath = live.Contains('/', StringComparison.Ordinal) || live.EndsWith(".yaml", StringComparison.Ordinal);
            if (isPath ? !File.Exists(medium.Resolve(live)) : catalog.FindPreset(config.Distribution, live) is null)
            {
                Add(Severity.Error, "live.preset", isPath ? $"live preset file '{live}' not found (relative to {medium.BaseDirectory})"
                    : $"unknown live preset '{live}' for {config.Distribution} (known: {string.Join(", ", names)})", isPath ? null : Suggestions.Hint(live, names));
            }
        }

        if (!VolumeLabel().IsMatch(config.VolumeLabel))
        {
            Add(Severity.Error, "volumeLabel", $"volume label '{config.VolumeLabel}' must be 1 to 32 of A-Z, 0-9 and '_'",
                "ISO 9660 volume ids are upper case; firmware and the live environment find the medium by it");
        }

        if (config.Name.Length == 0 || config.Name.Any(char.IsControl))
        {
            Add(Severity.Error, "name", "the product name must be a non-empty single line");
        }

        if (config.Repositories.Count == 0)
        {
            Add(Severity.Error, "repositories", "a medium carries an offline repository: list the signed repositories it is made from");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < config.Repositories.Count; i++)
        {
            CheckRepository(config.Repositories[i], $"repositories[{i}]", carried: true, ids, Add);
        }

        for (int i = 0; i < config.Live.Repositories.Count; i++)
        {
            CheckRepository(config.Live.Repositories[i], $"live.repositories[{i}]", carried: false, ids, Add);
        }

        if (config.Online is { } online)
        {
            if (!Uri.TryCreate(online.Baseurl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                Add(Severity.Error, "online.baseurl", $"'{online.Baseurl}' is not an http or https URL", "the online repository is reached over the network during setup");
            }

            if (online.Timeout is < 1 or > 300)
            {
                Add(Severity.Error, "online.timeout", $"timeout {online.Timeout} s is outside 1..300");
            }

            if (!RepositoryId().IsMatch(online.Id))
            {
                Add(Severity.Error, "online.id", $"repository id '{online.Id}' may hold only letters, digits, '-', '_', '.' and ':'");
            }
        }

        return [.. found.OrderBy(d => d.Line).ThenBy(d => d.Column)];
    }

    /// <summary>Loads <paramref name="path"/> and validates it: structural and semantic diagnostics together.</summary>
    public static MediumLoadResult LoadAndValidate(string path, PresetCatalog catalog)
    {
        var result = ConfigLoader.LoadMediumFile(path);
        if (result.Medium is not null && !result.HasErrors)
        {
            result.Diagnostics.AddRange(Validate(result.Medium, catalog));
            result.Diagnostics.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        }

        return result;
    }

    private static void CheckRepository(RepositoryConfig repo, string path, bool carried, HashSet<string> ids, Action<Severity, string, string, string?> add)
    {
        if (!RepositoryId().IsMatch(repo.Id))
        {
            add(Severity.Error, path + ".id", $"repository id '{repo.Id}' may hold only letters, digits, '-', '_', '.' and ':'", null);
        }
        else if (!ids.Add(repo.Id))
        {
            add(Severity.Error, path + ".id", $"repository id '{repo.Id}' is used twice", null);
        }

        if ((repo.Path is null) == (repo.Baseurl is null))
        {
            add(Severity.Error, path, "give exactly one of 'path' and 'baseurl'", null);
        }

        // A medium promises that every package on it is signed and its repodata too: the offline install trusts nothing else.
        if (carried && (!repo.Gpgcheck || !repo.RepoGpgcheck))
        {
            add(Severity.Error, path + (repo.Gpgcheck ? ".repoGpgcheck" : ".gpgcheck"),
                $"repository '{repo.Id}' is carried on the medium, so its packages and its repodata must be signed",
                "set gpgcheck: true and repoGpgcheck: true with the distribution's key in gpgkeys");
        }

        if (repo.Gpgcheck && repo.Gpgkeys.Count == 0 && repo.GpgkeyFingerprints.Count == 0)
        {
            add(Severity.Error, path + ".gpgkeys", $"repository '{repo.Id}' checks signatures but names no key", "list the key file in gpgkeys");
        }
    }

    [GeneratedRegex("^[A-Z0-9_]{1,32}$")]
    private static partial Regex VolumeLabel();

    [GeneratedRegex("^[A-Za-z0-9_.:-]+$")]
    private static partial Regex RepositoryId();
}
