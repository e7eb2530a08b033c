using System.Globalization;
using Keel.Errors;
using Keel.Processes;

namespace Keel.Install.Signing;

/// <summary>A secret key in the user's gpg keyring: its long key id, fingerprint and creation time.</summary>
public sealed record GpgKey(string KeyId, string Fingerprint, long CreatedSeconds);

/// <summary>
/// Signs with the real gpg and the user's keyring (GNUPGHOME or ~/.gnupg): Keel never holds the private key, so an HSM-
/// or smartcard-backed key works as it does for rpmsign. Signatures are armored and detached.
/// </summary>
public sealed class GpgSigner
{
    private readonly long? _sourceDateEpoch;
    private readonly Dictionary<string, string>? _environment;

    private GpgSigner(GpgKey key, long? sourceDateEpoch, Dictionary<string, string>? environment)
    {
        Key = key;
        _sourceDateEpoch = sourceDateEpoch;
        _environment = environment;
    }

    /// <summary>The key that signs.</summary>
    public GpgKey Key { get; }

    /// <summary>Finds <paramref name="keySpec"/> among the secret keys; a key that is not there (or names several) is one clear error.</summary>
    /// <remarks><paramref name="gnupgHome"/> null: gpg's own choice (GNUPGHOME, else ~/.gnupg).</remarks>
    public static async Task<GpgSigner> OpenAsync(string keySpec, long? sourceDateEpoch, string? gnupgHome, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keySpec);
        var input = "--signing-key " + keySpec;
        var environment = gnupgHome is null ? null : new Dictionary<string, string> { ["GNUPGHOME"] = gnupgHome };
        var home = gnupgHome ?? (Environment.GetEnvironmentVariable("GNUPGHOME") is { Length: > 0 } h ? h : "~/.gnupg");
        var result = await ToolRunner.RunAsync("gpg", ["--batch", "--with-colons", "--list-secret-keys", "--", keySpec], environment, cancellationToken,
            allowFailure: true, debianPackage: "gnupg").ConfigureAwait(false);
        var lines = result.Output.Split('\n');
        var secrets = lines.Where(l => l.StartsWith("sec:", StringComparison.Ordinal)).ToList();
        if (result.ExitCode != 0 || secrets.Count == 0)
        {
            throw new KeelException(ReasonCodes.InvalidInput, input, $"{input}: no secret key '{keySpec}' in the gpg keyring ({home})",
                "import the key (gpg --import) or set GNUPGHOME to the keyring that holds it; gpg --list-secret-keys shows what is there");
        }

        if (secrets.Count > 1)
        {
            throw new KeelException(ReasonCodes.InvalidInput, input, $"{input}: '{keySpec}' matches {secrets.Count} secret keys; give the fingerprint");
        }

        var sec = secrets[0].Split(':');
        var fingerprint = lines.SkipWhile(l => !l.StartsWith("sec:", StringComparison.Ordinal)).Skip(1)
            .FirstOrDefault(l => l.StartsWith("fpr:", StringComparison.Ordinal))?.Split(':')[9] ?? "";
        long created = long.TryParse(sec[5], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
        if (sec[1] is "r" or "e" or "d")
        {
            throw new KeelException(ReasonCodes.InvalidInput, input, $"{input}: key {sec[4]} is revoked, expired or disabled");
        }

        return new GpgSigner(new GpgKey(sec[4].ToUpperInvariant(), fingerprint.ToUpperInvariant(), created), sourceDateEpoch, environment);
    }

    /// <summary>The armored public key (primary and subkeys), as the medium carries it.</summary>
    public async Task<string> ExportPublicKeyAsync(CancellationToken cancellationToken)
    {
        var result = await ToolRunner.RunAsync("gpg", ["--batch", "--armor", "--export-options", "export-minimal", "--export", Key.Fingerprint], _environment,
            cancellationToken, debianPackage: "gnupg").ConfigureAwait(false);
        return result.Output.Contains("BEGIN PGP PUBLIC KEY BLOCK", StringComparison.Ordinal)
            ? result.Output
            : throw new KeelException(ReasonCodes.InvalidInput, Key.Fingerprint, $"--signing-key {Key.KeyId}: gpg exported no public key");
    }

    /// <summary>The armored detached signature of <paramref name="data"/> (signed from a private temporary file).</summary>
    public async Task<byte[]> SignBytesAsync(byte[] data, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("keel-sign-");
        try
        {
            var file = Path.Combine(scratch.FullName, "data");
            await File.WriteAllBytesAsync(file, data, cancellationToken).ConfigureAwait(false);
            await SignAsync(file, file + ".asc", cancellationToken).ConfigureAwait(false);
            return await File.ReadAllBytesAsync(file + ".asc", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Writes the armored detached signature of <paramref name="file"/> to <paramref name="signature"/>.</summary>
    public async Task SignAsync(string file, string signature, CancellationToken cancellationToken)
    {
        var args = new List<string> { "--batch", "--yes", "--local-user", Key.Fingerprint, "--digest-algo", "SHA256", "--armor", "--output", signature };

        // With SOURCE_DATE_EPOCH the signature's time is fixed too, so the medium is bit-identical (RSA and EdDSA
        // signatures are deterministic): the epoch, or the key's creation time when the epoch is older (gpg refuses a
        // signature made before its key).
        if (_sourceDateEpoch is { } epoch)
        {
            args.AddRange(["--faked-system-time", Math.Max(epoch, Key.CreatedSeconds).ToString(CultureInfo.InvariantCulture) + "!"]);
        }

        args.AddRange(["--detach-sign", file]);
        try
        {
            await ToolRunner.RunAsync("gpg", args, _environment, cancellationToken, debianPackage: "gnupg").ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new KeelException(ReasonCodes.ToolFailed, file, $"signing {Path.GetFileName(file)} with key {Key.KeyId} failed: {ex.Message}",
                "a key with a passphrase needs a running gpg-agent that can ask for it", ex);
        }
    }
}
