using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Errors;
using Keel.OpenPgp;
using Keel.Repository;

namespace Keel.Install;

/// <summary>
/// What `keel build/install --repo DIR` asked for: the directory, the operator's keys (--repo-key), pinned fingerprints
/// (--repo-key-fingerprint) and whether gpgcheck is turned off (--nogpgcheck).
/// </summary>
public sealed record RepositoryOverrideRequest(string? Directory, IReadOnlyList<string> Keys, IReadOnlyList<string> Fingerprints, bool NoGpgCheck)
{
    /// <summary>Only a directory, as `--repo DIR` alone gives.</summary>
    public RepositoryOverrideRequest(string directory)
        : this(directory, [], [], false)
    {
    }
}

/// <summary>
/// `--repo DIR`: points a config at another copy of its repository (a mirror, a fixture built elsewhere). Every repository
/// given by path is read from DIR instead; a config without repositories gets DIR as its only one. A mirror never vouches
/// for itself: keys stay the config's, or are the operator's (--repo-key), and a key found in DIR is used only when its
/// fingerprint is pinned (--repo-key-fingerprint). Without any key, gpgcheck stays on and the repository is refused.
/// </summary>
public static class RepositoryOverride
{
    /// <summary>Applies `--repo DIR` alone.</summary>
    public static IReadOnlyList<string> Apply(LoadedConfig loaded, string directory) => Apply(loaded, new RepositoryOverrideRequest(directory));

    /// <summary>
    /// Rewrites <paramref name="loaded"/>'s repositories in place and returns warnings to show (gpgcheck turned off).
    /// Throws DirectoryNotFoundException when DIR is missing, SignatureException when a repository is left without a key.
    /// </summary>
    public static IReadOnlyList<string> Apply(LoadedConfig loaded, RepositoryOverrideRequest request)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(request);
        var warnings = new List<string>();
        var pins = NormalizePins(request.Fingerprints);
        var keys = KeyLocations(request.Keys);
        foreach (var key in keys.Where(k => !k.Contains("://", StringComparison.Ordinal) && !File.Exists(k)))
        {
            throw new FileNotFoundException($"--repo-key {key}: no such file", key);
        }

        if (request.Directory is null)
        {
            if (keys.Count > 0 || pins.Count > 0)
            {
                throw new ArgumentException("--repo-key and --repo-key-fingerprint apply to the repository given with --repo DIR; give --repo too");
            }
        }
        else
        {
            ApplyDirectory(loaded, request.Directory, keys, pins);
        }

        if (request.NoGpgCheck)
        {
            foreach (var r in loaded.Config.Repositories.Where(r => r.Gpgcheck || r.RepoGpgcheck))
            {
                r.Gpgcheck = false;
                r.RepoGpgcheck = false;
                warnings.Add($"--nogpgcheck: repository '{r.Id}': package and metadata signatures are not checked");
            }
        }
        else
        {
            foreach (var r in loaded.Config.Repositories.Where(r => (r.Gpgcheck || r.RepoGpgcheck) && r.Gpgkeys.Count == 0))
            {
                throw new SignatureException(
                    request.Directory is null ? loaded.Source : "--repo " + request.Directory,
                    $"{(request.Directory is null ? loaded.Source : "--repo " + request.Directory)}: repository '{r.Id}' has gpgcheck on but no trusted key (a key inside the repository cannot vouch for it)",
                    RepositoryKeys.Hint);
            }
        }

        return warnings;
    }

    private static void ApplyDirectory(LoadedConfig loaded, string directory, List<string> keys, List<string> pins)
    {
        var dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"--repo {directory}: no such directory");
        }

        if (!File.Exists(Path.Combine(dir, "repodata", "repomd.xml")))
        {
            throw new InvalidDataException($"--repo {directory}: not a repository (no repodata/repomd.xml); build the fixture with tests/fixture-distro/build.sh {directory}");
        }

        // The mirror's own key files are candidates only: RepositoryKeys keeps those matching a pin, refuses the rest.
        var pinnedCandidates = keys.Count == 0 && pins.Count > 0 ? MirrorKeyFiles(dir) : keys;
        if (pins.Count > 0 && pinnedCandidates.Count == 0)
        {
            throw new SignatureException("--repo " + directory, $"--repo {directory}: --repo-key-fingerprint given but DIR holds no RPM-GPG-KEY-* file to match it", "give the key with --repo-key FILE");
        }

        var repos = loaded.Config.Repositories;
        if (repos.Count == 0)
        {
            bool keyed = pinnedCandidates.Count > 0;
            repos.Add(new RepositoryConfig { Id = "repo", Path = dir, Gpgkeys = pinnedCandidates, GpgkeyFingerprints = pins, Gpgcheck = true, RepoGpgcheck = keyed });
            return;
        }

        foreach (var r in repos.Where(r => r.Path is not null))
        {
            r.Path = dir;
            if (keys.Count > 0 || pins.Count > 0)
            {
                r.Gpgkeys = pinnedCandidates;
                r.GpgkeyFingerprints = pins;
                continue;
            }

            // The config's keys stay the anchors; one that is missing is not replaced by the mirror's file of that name.
            foreach (var key in r.Gpgkeys.Where(k => !ConfigRepositories.IsUrl(k)))
            {
                var path = loaded.Resolve(key);
                if (!File.Exists(path) && (r.Gpgcheck || r.RepoGpgcheck))
                {
                    throw new SignatureException(
                        path,
                        $"{loaded.Source}: repository '{r.Id}': key {path} does not exist; with --repo {directory} the key still comes from the config, never from the mirror",
                        "give the key with --repo-key FILE, or accept the mirror's key by fingerprint with --repo-key-fingerprint FPR");
                }
            }
        }
    }

    /// <summary>--repo-key-fingerprint values, normalised; a malformed one is an ArgumentException naming the option.</summary>
    public static List<string> NormalizePins(IEnumerable<string> fingerprints)
    {
        try
        {
            return [.. fingerprints.Select(OpenPgpKeyRing.NormalizeFingerprint)];
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"--repo-key-fingerprint {ex.Message}", ex);
        }
    }

    /// <summary>--repo-key values: URLs as given, files made absolute (they are read later, from another directory).</summary>
    public static List<string> KeyLocations(IEnumerable<string> keys) =>
        [.. keys.Select(k => k.Contains("://", StringComparison.Ordinal) ? k : Path.GetFullPath(k))];

    /// <summary>A local mirror's own key files: candidates for a pin only, never anchors by themselves.</summary>
    public static List<string> MirrorKeyFiles(string directory) =>
        [.. Directory.EnumerateFiles(directory, "RPM-GPG-KEY-*").Order(StringComparer.Ordinal)];
}
