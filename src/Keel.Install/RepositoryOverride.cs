using Keel.Config.Loading;
using Keel.Config.Model;

namespace Keel.Install;

/// <summary>
/// `--repo DIR`: points a config at another copy of its repository (a mirror, a fixture built elsewhere). Every repository
/// given by path is read from DIR instead, and its key files are taken from DIR when DIR holds a file of the same name;
/// a config without repositories gets DIR as its only one, with DIR's RPM-GPG-KEY-* files as keys.
/// </summary>
public static class RepositoryOverride
{
    /// <summary>Rewrites <paramref name="loaded"/>'s repositories in place; throws DirectoryNotFoundException when DIR is missing.</summary>
    public static void Apply(LoadedConfig loaded, string directory)
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

        var repos = loaded.Config.Repositories;
        if (repos.Count == 0)
        {
            var keys = Directory.EnumerateFiles(dir, "RPM-GPG-KEY-*").Order(StringComparer.Ordinal).ToList();
            repos.Add(new RepositoryConfig { Id = "repo", Path = dir, Gpgkeys = keys, Gpgcheck = keys.Count > 0 });
            return;
        }

        foreach (var r in repos.Where(r => r.Path is not null))
        {
            r.Path = dir;
            r.Gpgkeys = r.Gpgkeys
                .Select(k => ConfigRepositories.IsUrl(k) || !File.Exists(Path.Combine(dir, Path.GetFileName(k))) ? k : Path.Combine(dir, Path.GetFileName(k)))
                .ToList();
        }
    }
}
