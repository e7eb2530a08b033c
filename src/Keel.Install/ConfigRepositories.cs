using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Repository.Definitions;

namespace Keel.Install;

/// <summary>Turns the repositories of a config into repository definitions, with paths resolved against the config file.</summary>
public static class ConfigRepositories
{
    /// <summary>One definition per config repository; throws InvalidDataException when one has neither baseurl nor path.</summary>
    public static IReadOnlyList<RepositoryDefinition> Definitions(LoadedConfig loaded)
    {
        var result = new List<RepositoryDefinition>();
        var repos = loaded.Config.Repositories;
        for (int i = 0; i < repos.Count; i++)
        {
            var r = repos[i];
            var origin = $"{loaded.Source}: repositories[{i}]";
            var location = r.Baseurl ?? (r.Path is { } p ? loaded.Resolve(p) : throw new InvalidDataException($"{origin} '{r.Id}': neither baseurl nor path is set"));
            result.Add(new RepositoryDefinition
            {
                Id = r.Id,
                BaseUrls = [location],
                GpgKeys = r.Gpgkeys.Select(k => IsUrl(k) ? k : loaded.Resolve(k)).ToList(),
                GpgKeyFingerprints = r.GpgkeyFingerprints,
                GpgCheck = r.Gpgcheck,
                RepoGpgCheck = r.RepoGpgcheck,
                MetadataMaxAge = r.MetadataMaxAge is { } age ? RepositoryDefinition.ParseMaxAge(age) : null,
                Priority = r.Priority,
                Origin = origin,
            });
        }

        return result;
    }

    /// <summary>The config's architecture as rpm spells it.</summary>
    public static string ArchName(MachineArchitecture arch) => arch switch
    {
        MachineArchitecture.X86_64 => "x86_64",
        MachineArchitecture.Aarch64 => "aarch64",
        _ => throw new NotSupportedException($"architecture {arch} is not supported"),
    };

    internal static bool IsUrl(string s) => s.Contains("://", StringComparison.Ordinal);
}
