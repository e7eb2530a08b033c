using Keel.Errors;
using Keel.Processes;

namespace Keel.Install.Signing;

/// <summary>
/// The key `--signing-key` names: an armored secret key file (imported into a private temporary keyring that is
/// removed on dispose) or, when no such file exists, a key id, fingerprint or user id in the user's gpg keyring.
/// </summary>
public sealed class SigningKey : IAsyncDisposable
{
    private readonly DirectoryInfo? _temporaryHome;

    private SigningKey(GpgSigner signer, DirectoryInfo? temporaryHome)
    {
        Signer = signer;
        _temporaryHome = temporaryHome;
    }

    /// <summary>The signer, valid until dispose.</summary>
    public GpgSigner Signer { get; }

    /// <summary>Opens <paramref name="fileOrKeySpec"/>; <paramref name="sourceDateEpoch"/> fixes the signatures' time (reproducible builds).</summary>
    public static async Task<SigningKey> OpenAsync(string fileOrKeySpec, long? sourceDateEpoch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileOrKeySpec);
        if (!File.Exists(fileOrKeySpec))
        {
            return new SigningKey(await GpgSigner.OpenAsync(fileOrKeySpec, sourceDateEpoch, null, cancellationToken).ConfigureAwait(false), null);
        }

        var home = Directory.CreateTempSubdirectory("keel-gnupg-");
        try
        {
            var env = new Dictionary<string, string> { ["GNUPGHOME"] = home.FullName };
            var import = await ToolRunner.RunAsync("gpg", ["--batch", "--import", "--", Path.GetFullPath(fileOrKeySpec)], env, cancellationToken, allowFailure: true,
                debianPackage: "gnupg").ConfigureAwait(false);
            var listed = await ToolRunner.RunAsync("gpg", ["--batch", "--with-colons", "--list-secret-keys"], env, cancellationToken, allowFailure: true,
                debianPackage: "gnupg").ConfigureAwait(false);
            var lines = listed.Output.Split('\n');
            var fingerprints = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("sec:", StringComparison.Ordinal))
                .Select(x => lines.Skip(x.i + 1).FirstOrDefault(l => l.StartsWith("fpr:", StringComparison.Ordinal))?.Split(':')[9]).OfType<string>().ToList();
            if (import.ExitCode != 0 || fingerprints.Count != 1)
            {
                throw new KeelException(ReasonCodes.InvalidInput, fileOrKeySpec,
                    $"{fileOrKeySpec}: {(fingerprints.Count > 1 ? $"holds {fingerprints.Count} secret keys; give a file with one" : "holds no OpenPGP secret key gpg can import")}",
                    "export it with gpg --armor --export-secret-keys KEYID > key.asc");
            }

            return new SigningKey(await GpgSigner.OpenAsync(fingerprints[0], sourceDateEpoch, home.FullName, cancellationToken).ConfigureAwait(false), home);
        }
        catch
        {
            await RemoveHomeAsync(home).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_temporaryHome is not null)
        {
            await RemoveHomeAsync(_temporaryHome).ConfigureAwait(false);
        }
    }

    private static async Task RemoveHomeAsync(DirectoryInfo home)
    {
        // gpg started an agent for the temporary keyring: stop it before its socket directory goes.
        await ToolRunner.RunAsync("gpgconf", ["--kill", "all"], new Dictionary<string, string> { ["GNUPGHOME"] = home.FullName }, CancellationToken.None,
            allowFailure: true).ConfigureAwait(false);
        home.Delete(recursive: true);
    }
}
