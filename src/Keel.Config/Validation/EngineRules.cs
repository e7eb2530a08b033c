using Keel.Config.Model;

namespace Keel.Config.Validation;

/// <summary>
/// What the schema allows but the engine cannot carry out yet, on any target: reported by validation so that a build or
/// install never fails on it after minutes of downloading.
/// </summary>
internal static class EngineRules
{
    public static void Check(ValidationContext cx)
    {
        var config = cx.Loaded.Config;
        if (config.Bootloader != BootloaderType.SystemdBoot)
        {
            cx.Error("bootloader", "grub2 is not implemented by the engine yet", "use 'bootloader: systemd-boot'");
        }

        for (int i = 0; i < config.Repositories.Count; i++)
        {
            var repo = config.Repositories[i];
            for (int k = 0; k < repo.Gpgkeys.Count; k++)
            {
                CheckKey(cx, repo, $"repositories[{i}].gpgkeys[{k}]", repo.Gpgkeys[k]);
            }
        }
    }

    private static void CheckKey(ValidationContext cx, RepositoryConfig repo, string path, string key)
    {
        if (!Uri.TryCreate(key, UriKind.Absolute, out var uri) || !key.Contains("://", StringComparison.Ordinal))
        {
            return;
        }

        // A pinned fingerprint, not the transport, vouches for a pinned key: then http is no worse than https.
        if (uri.Scheme == "http" && repo.GpgkeyFingerprints.Count == 0)
        {
            cx.Error(path, $"'{key}': a key fetched over plain http could be replaced on the way, so it is not trusted",
                "use https, download the key and give its path, or pin its fingerprint in 'gpgkeyFingerprints'");
        }
        else if (uri.Scheme is "https" or "http" && repo.Gpgcheck)
        {
            // The solver side could fetch it, but rpm --import needs a local file for the target rpmdb.
            cx.Error(path, $"'{key}': keys are imported into the target rpmdb from local files only, not yet from URLs",
                "download the key and give its path (relative to the config)");
        }
    }
}
