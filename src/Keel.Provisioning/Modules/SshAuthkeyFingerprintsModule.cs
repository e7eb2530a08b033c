using System.Security.Cryptography;
using System.Text;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.TargetSystem.Accounts;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's ssh_authkey_fingerprints (final stage, per instance): for every configured user that has a home (not
/// <c>system</c>, not <c>no_create_home</c>), ~/.ssh (0700) and ~/.ssh/authorized_keys (0600, owned by the user) are made
/// when missing, as cloud-init's key lookup does, and each key's fingerprint (<c>authkey_hash</c>, default sha256, in
/// cloud-init's colon-separated hex) is printed to the console. <c>no_ssh_fingerprints: true</c> turns it off.
/// </summary>
public sealed class SshAuthkeyFingerprintsModule() : CloudConfigModule("ssh_authkey_fingerprints", Frequency.PerInstance, Stage.Final)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config.GetBool("no_ssh_fingerprints", false))
        {
            return ModuleOutcome.NothingToDo;
        }

        var hash = (ConfigValues.Text(context.Config, "authkey_hash", Name) ?? "sha256").ToLowerInvariant();
        if (hash is not ("md5" or "sha1" or "sha256" or "sha384" or "sha512"))
        {
            throw new InvalidDataException($"authkey_hash '{hash}': expected md5, sha1, sha256, sha384 or sha512");
        }

        var accounts = context.LoadAccounts();
        var users = UserSpecs.Users(context.Config);
        if (users.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        foreach (var spec in users)
        {
            if (spec.GetBool("no_create_home", false) || spec.GetBool("system", false) || spec.GetString("name") is not { } name || accounts.FindUser(name) is not { } user)
            {
                continue;
            }

            AuthorizedKeysFile.Add(context.Root, user, []);
            var path = AuthorizedKeysFile.PathFor(user);
            var lines = (context.Root.ReadAllTextOrNull(path) ?? "").Split('\n').Where(l => AuthorizedKeysFile.KeyBlob(l) is not null).ToList();
            if (lines.Count == 0)
            {
                context.Log.WriteLine($"ci-info: no authorized SSH keys fingerprints found for user {name}.");
                continue;
            }

            context.Log.WriteLine($"ci-info: Authorized keys from {path} for user {name}");
            foreach (var line in lines)
            {
                var blob = AuthorizedKeysFile.KeyBlob(line)!;
                var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
                var at = tokens.IndexOf(blob);
                var type = at > 0 ? tokens[at - 1] : "-";
                var comment = at + 1 < tokens.Count ? string.Join(' ', tokens.Skip(at + 1)) : "-";
                context.Log.WriteLine($"ci-info: {type} {Fingerprint(blob, hash)} {comment}");
            }
        }

        return ModuleOutcome.Done;
    }

    /// <summary>cloud-init's _gen_fingerprint: the hash of the decoded key as colon-separated hex pairs, "?" for a blob that is not base64.</summary>
    public static string Fingerprint(string blob, string hash)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(blob);
        }
        catch (FormatException)
        {
            return "?";
        }

        // A fingerprint shown to a person in the hash the config names (cloud-init accepts md5 and sha1), never a security
        // check. The default sha256 is computed in managed code: .NET's hashes load OpenSSL (several MB of RSS).
#pragma warning disable CA5351, CA5350
        var digest = hash switch
        {
            "md5" => MD5.HashData(key),
            "sha1" => SHA1.HashData(key),
            "sha384" => SHA384.HashData(key),
            "sha512" => SHA512.HashData(key),
            _ => ManagedSha256(key),
        };
#pragma warning restore CA5351, CA5350
        var hex = Convert.ToHexStringLower(digest);
        var sb = new StringBuilder();
        for (var i = 0; i < hex.Length; i += 2)
        {
            sb.Append(i == 0 ? "" : ":").Append(hex, i, 2);
        }

        return sb.ToString();
    }

    // BouncyCastle's managed SHA-256: the same digest without loading OpenSSL into the agent.
    private static byte[] ManagedSha256(byte[] data)
    {
        var sha = new Org.BouncyCastle.Crypto.Digests.Sha256Digest();
        sha.BlockUpdate(data, 0, data.Length);
        var digest = new byte[sha.GetDigestSize()];
        sha.DoFinal(digest, 0);
        return digest;
    }
}
