using Keel.Errors;
using Keel.Packaging;
using Keel.Repository;
using Keel.Rpm;

namespace Keel.Install;

/// <summary>
/// Verifies each downloaded RPM with the keys and gpgcheck setting of the repository it came from: digests always,
/// a good signature by one of the repository's keys when gpgcheck is on.
/// </summary>
public sealed class RepositoryPackageVerifier : IPackageVerifier
{
    private readonly Dictionary<string, RpmPackageVerifier> _byRepository;

    private RepositoryPackageVerifier(Dictionary<string, RpmPackageVerifier> byRepository) => _byRepository = byRepository;

    /// <summary>Loads every repository's keys; throws SignatureException when gpgcheck is on and no key is configured.</summary>
    public static async Task<RepositoryPackageVerifier> CreateAsync(RepositoryLoader loader, IEnumerable<LoadedRepository> repositories, CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, RpmPackageVerifier>(StringComparer.Ordinal);
        foreach (var repo in repositories)
        {
            var keys = await loader.LoadKeysAsync(repo.Definition, cancellationToken).ConfigureAwait(false);
            if (repo.Definition.GpgCheck && keys is null)
            {
                var where = repo.Definition.Origin ?? repo.Source.Base;
                throw new SignatureException(where, $"{where}: repository '{repo.Id}' has gpgcheck on but no trusted key, so no package could be verified", RepositoryKeys.Hint);
            }

            map[repo.Id] = new RpmPackageVerifier(keys, repo.Definition.GpgCheck);
        }

        return new RepositoryPackageVerifier(map);
    }

    /// <summary>Verifies <paramref name="path"/> with the keys of the repository <paramref name="expected"/> came from.</summary>
    public void Verify(string path, PackageMetadata expected)
    {
        var id = expected.RepositoryId ?? throw new InvalidDataException($"{path}: {expected.Nevra} has no repository to take keys from");
        if (!_byRepository.TryGetValue(id, out var verifier))
        {
            throw new InvalidDataException($"{path}: unknown repository '{id}'");
        }

        verifier.Verify(path, expected);
    }
}
