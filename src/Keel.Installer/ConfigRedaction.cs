using Keel.Config.Loading;
using Keel.Config.Model;

namespace Keel.Installer;

/// <summary>
/// The config saved in the installed machine as /root/keel-install.yaml, like Anaconda's anaconda-ks.cfg: the effective
/// config (every default spelled out) with the repositories the install really used, and without secrets — password
/// hashes and the LUKS passphrase are removed and a header comment says which. SSH public keys, the key file's path and
/// files' contents stay (public, or the user's own choice to put them in the machine).
/// </summary>
public static class ConfigRedaction
{
    /// <summary>
    /// The saved config's text for <paramref name="config"/>, which is changed in place: pass a copy, never the plan's own.
    /// <paramref name="keepPasswordHashes"/>: the interactive installer's own config keeps the hashes it made (a crypt
    /// hash, never a clear password), so the saved file replays the same accounts; the header says they are there.
    /// </summary>
    public static string Redact(MachineConfig config, string origin, IReadOnlyList<RepositoryConfig>? repositories = null, DateTimeOffset? when = null, bool keepPasswordHashes = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        var removed = new List<string>();
        foreach (var user in config.Users.Where(u => u.PasswordHash is not null && !keepPasswordHashes))
        {
            user.PasswordHash = null;
            removed.Add($"users[{user.Name}].passwordHash");
        }

        if (config.Storage.Encryption is { Passphrase: not null } encryption)
        {
            encryption.Passphrase = null;
            removed.Add("storage.encryption.passphrase");
        }

        if (repositories is not null)
        {
            config.Repositories = [.. repositories];
        }

        var kept = config.Users.Where(u => u.PasswordHash is not null).Select(u => $"users[{u.Name}].passwordHash").ToList();
        var header = $"# The config keel installer used{(when is { } w ? " on " + w.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "")}, from {origin}.\n"
            + (removed.Count == 0 ? (kept.Count == 0 ? "# It held no secrets.\n" : "") : $"# Secrets removed (add them back to replay it): {string.Join(", ", removed)}.\n")
            + (kept.Count == 0 ? "" : $"# Kept: {string.Join(", ", kept)} (crypt hashes, never a clear password).\n");
        return header + ConfigWriter.Write(config);
    }

    /// <summary>A fresh copy of the config at <paramref name="path"/> (read again, so the plan's own model is never touched).</summary>
    public static MachineConfig Reload(string path)
    {
        var result = ConfigLoader.LoadFile(path);
        return result.Config?.Config ?? throw new InvalidDataException($"{path}: cannot be read again to save it");
    }
}
