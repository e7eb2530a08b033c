using Keel.Errors;
using Keel.OpenPgp;
using Keel.Repository.Definitions;

namespace Keel.Repository;

/// <summary>Checks repomd.xml's detached signature against the repository's keys (repo_gpgcheck).</summary>
internal static class RepoMdSignature
{
    public static async Task VerifyAsync(RepositoryDefinition definition, byte[] repomd, byte[]? signature, string repomdLocation, HttpClient http, CancellationToken cancellationToken)
    {
        if (signature is null)
        {
            throw new SignatureException($"{repomdLocation}.asc", $"{repomdLocation}.asc: missing, but repository '{definition.Id}' has repo_gpgcheck on");
        }

        if (definition.GpgKeys.Count == 0)
        {
            throw new SignatureException(repomdLocation, $"{repomdLocation}: repository '{definition.Id}' has repo_gpgcheck on but no gpgkey is configured", RepositoryKeys.Hint);
        }

        var keys = await RepositoryKeys.LoadAsync(definition, http, cancellationToken).ConfigureAwait(false);
        var check = keys!.VerifyDetached(repomd, signature);
        if (!check.IsValid)
        {
            throw new SignatureException(repomdLocation, $"{repomdLocation}: signature check failed ({check.Status}{(check.KeyId is null ? string.Empty : ", key " + check.KeyId)}): {check.Detail}");
        }
    }
}
