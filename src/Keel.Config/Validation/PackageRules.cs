using System.Text.RegularExpressions;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;

namespace Keel.Config.Validation;

/// <summary>Checks the distribution, preset, package selection and build repositories.</summary>
internal static partial class PackageRules
{
    public static void Check(ValidationContext cx)
    {
        var config = cx.Loaded.Config;
        CheckPreset(cx);
        CheckPackageNames(cx, config.Packages.Include, "packages.include");
        CheckPackageNames(cx, config.Packages.Exclude, "packages.exclude");
        foreach (var name in config.Packages.Include.Intersect(config.Packages.Exclude, StringComparer.Ordinal))
        {
            cx.Error($"packages.exclude[{config.Packages.Exclude.IndexOf(name)}]", $"'{name}' is both included and excluded");
        }

        if (config.Repositories.Count == 0)
        {
            cx.Warn("", "no repositories: keel build and keel install will need --repo", "add a 'repositories' list");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < config.Repositories.Count; i++)
        {
            CheckRepository(cx, config.Repositories[i], $"repositories[{i}]", ids);
        }
    }

    private static void CheckPreset(ValidationContext cx)
    {
        var config = cx.Loaded.Config;
        bool isPath = config.Preset.Contains('/', StringComparison.Ordinal) || config.Preset.EndsWith(".yaml", StringComparison.Ordinal);
        if (!isPath && !cx.Catalog.Distributions().Contains(config.Distribution))
        {
            var known = cx.Catalog.Distributions();
            cx.Error("distribution", $"unknown distribution '{config.Distribution}' (known: {string.Join(", ", known)})", Suggestions.Hint(config.Distribution, known));
            return;
        }

        PackageRequest request;
        try
        {
            if (PackageRequest.FindPresetFile(cx.Loaded, cx.Catalog) is null)
            {
                if (isPath)
                {
                    cx.Error("preset", $"preset file '{config.Preset}' not found (relative to {cx.Loaded.BaseDirectory})");
                }
                else
                {
                    var names = cx.Catalog.PresetNames(config.Distribution);
                    cx.Error("preset", $"unknown preset '{config.Preset}' for {config.Distribution} (known: {string.Join(", ", names)})", Suggestions.Hint(config.Preset, names));
                }

                return;
            }

            request = PackageRequest.Build(cx.Loaded, cx.Catalog);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            cx.Error("preset", ex.Message);
            return;
        }

        foreach (var m in request.Mappings)
        {
            cx.Info(m.Path, $"'{m.Requested}' is named '{m.Name}' in {config.Distribution}; keel requests '{m.Name}'");
        }

        var wanted = new HashSet<string>(request.Preset.Packages.Concat(config.Packages.Include), StringComparer.Ordinal);
        for (int i = 0; i < request.Exclude.Count; i++)
        {
            if (!wanted.Contains(request.Exclude[i]))
            {
                cx.Warn($"packages.exclude[{i}]", $"'{request.Exclude[i]}' is not in preset '{request.Preset.Name}' or the includes; excluding it only keeps dependencies from pulling it in");
            }
        }
    }

    private static void CheckPackageNames(ValidationContext cx, List<string> names, string path)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (!PackageSpec().IsMatch(names[i]))
            {
                cx.Error($"{path}[{i}]", $"'{names[i]}' is not a package name or capability", "one name per item, e.g. 'podman', 'python3-*', '@core' or '@^server-environment'");
            }
        }
    }

    private static void CheckRepository(ValidationContext cx, RepositoryConfig repo, string path, HashSet<string> ids)
    {
        if (!RepoId().IsMatch(repo.Id))
        {
            cx.Error(path + ".id", $"'{repo.Id}' is not a repository id", "use letters, digits, '-', '_', '.' and ':'");
        }
        else if (!ids.Add(repo.Id))
        {
            cx.Error(path + ".id", $"repository id '{repo.Id}' is used twice");
        }

        if ((repo.Baseurl is null) == (repo.Path is null))
        {
            cx.Error(path, "a repository needs exactly one of 'baseurl' and 'path'");
        }
        else if (repo.Baseurl is { } url && !IsUrl(url))
        {
            cx.Error(path + ".baseurl", $"'{url}' is not an http, https or file URL", "for a local directory use 'path'");
        }
        else if (repo.Path is { } dir && !Directory.Exists(cx.Loaded.Resolve(dir)))
        {
            cx.Warn(path + ".path", $"directory {cx.Loaded.Resolve(dir)} does not exist (yet)");
        }

        if (repo.Gpgcheck && repo.Gpgkeys.Count == 0)
        {
            cx.Error(path + ".gpgcheck", "gpgcheck is on but no gpgkeys are given, so no package could be verified", "add 'gpgkeys' or set 'gpgcheck: false'");
        }

        for (int k = 0; k < repo.Gpgkeys.Count; k++)
        {
            var key = repo.Gpgkeys[k];
            if (!IsUrl(key) && !File.Exists(cx.Loaded.Resolve(key)))
            {
                cx.Warn($"{path}.gpgkeys[{k}]", $"key file {cx.Loaded.Resolve(key)} does not exist (yet)");
            }
        }

        for (int k = 0; k < repo.GpgkeyFingerprints.Count; k++)
        {
            var fpr = repo.GpgkeyFingerprints[k].Replace(" ", string.Empty, StringComparison.Ordinal);
            if (fpr.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                fpr = fpr[2..];
            }

            if (fpr.Length is not (40 or 64) || !fpr.All(char.IsAsciiHexDigit))
            {
                cx.Error($"{path}.gpgkeyFingerprints[{k}]", $"'{repo.GpgkeyFingerprints[k]}' is not an OpenPGP fingerprint", "give the 40 hex digits gpg --fingerprint prints");
            }
        }

        if (repo.MetadataMaxAge is { } age && !MaxAge().IsMatch(age))
        {
            cx.Error(path + ".metadataMaxAge", $"'{age}' is not a duration", "use seconds or a number with s, m, h or d, e.g. 7d");
        }

        if (repo.Priority is < 1 or > 99)
        {
            cx.Error(path + ".priority", $"priority {repo.Priority} is outside 1..99");
        }
    }

    internal static bool IsUrl(string text) =>
        text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "file";

    [GeneratedRegex(@"^(@\^?)?[A-Za-z0-9_.+\-/()*?]+( *(<|>|=|<=|>=) *[A-Za-z0-9_.+~^:\-]+)?$")]
    private static partial Regex PackageSpec();

    [GeneratedRegex(@"^[0-9]+[smhd]?$")]
    private static partial Regex MaxAge();

    [GeneratedRegex(@"^[A-Za-z0-9_.:\-]+$")]
    internal static partial Regex RepoId();
}
