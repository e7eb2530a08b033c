using Keel.Config.Loading;
using Keel.Install;
using Keel.Repository;
using Keel.Repository.Cache;

namespace Keel.Installer.Service.Session.Packages;

/// <summary>
/// The repositories of each source, loaded once (as the engine's packages.resolve loads them: the config's definitions,
/// signatures and checksums checked) and kept for the session, so switching presets or searching does not re-read them.
/// </summary>
public sealed class RepositoryCache(KeelCache? cache) : IDisposable
{
    private readonly RepositoryLoader _loader = new();
    private readonly Dictionary<string, IReadOnlyList<LoadedRepository>> _bySource = new(StringComparer.Ordinal);

    /// <summary>The repositories of <paramref name="loaded"/>'s config, keyed by <paramref name="sourceKey"/>.</summary>
    public async Task<IReadOnlyList<LoadedRepository>> LoadAsync(string sourceKey, LoadedConfig loaded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (_bySource.TryGetValue(sourceKey, out var known))
        {
            return known;
        }

        var arch = ConfigRepositories.ArchName(loaded.Config.Arch);
        var options = new RepositoryLoadOptions
        {
            Cache = cache ?? KeelCache.Default(),
            Arches = ArchCompatibility.Compatible(arch).ToHashSet(StringComparer.Ordinal),
            IncludeUpdateInfo = false,
        };
        var repositories = new List<LoadedRepository>();
        foreach (var definition in ConfigRepositories.Definitions(loaded))
        {
            repositories.Add(await _loader.LoadAsync(definition, options, cancellationToken).ConfigureAwait(false));
        }

        _bySource[sourceKey] = repositories;
        return repositories;
    }

    public void Dispose() => _loader.Dispose();
}
