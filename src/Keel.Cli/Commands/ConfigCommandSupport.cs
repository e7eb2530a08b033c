using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Install;
using Keel.Install.Devices;

namespace Keel.Cli.Commands;

/// <summary>Loading a config for a command that acts on it: every error printed as FILE:LINE:COL, then one summary line.</summary>
internal static class ConfigCommandSupport
{
    /// <summary>The validated config, or null with the errors printed and <paramref name="exitCode"/> set.</summary>
    public static LoadedConfig? LoadValid(string path, PresetCatalog catalog, TextWriter stderr, out int exitCode)
    {
        var result = ConfigValidator.LoadAndValidate(path, catalog);
        if (result.HasErrors || result.Config is null)
        {
            foreach (var d in result.Diagnostics.Where(d => d.Severity == Severity.Error))
            {
                stderr.WriteLine(d.Format(path));
            }

            stderr.WriteLine($"keel: {path} is invalid; run 'keel config validate {path}'");
            exitCode = result.Unsupported ? ExitCodes.Usage : ExitCodes.Failed;
            return null;
        }

        exitCode = ExitCodes.Ok;
        return result.Config;
    }

    /// <summary>
    /// For commands that run the engine: the validated config with the repository options (--repo DIR, --repo-key,
    /// --repo-key-fingerprint, --nogpgcheck) applied, and its package request; null with the errors printed.
    /// </summary>
    public static (LoadedConfig Loaded, PackageRequest Request)? LoadForEngine(string path, string[]? presetDirectories, RepositoryOverrideRequest? repository, TextWriter stderr, out int exitCode)
    {
        var catalog = PresetCatalog.CreateDefault(presetDirectories);
        var loaded = LoadValid(path, catalog, stderr, out exitCode);
        if (loaded is null)
        {
            return null;
        }

        if (repository is not null)
        {
            foreach (var warning in RepositoryOverride.Apply(loaded, repository))
            {
                stderr.WriteLine($"keel: warning: {warning}");
            }
        }

        return (loaded, PackageRequest.Build(loaded, catalog));
    }

    /// <summary>
    /// True, with every finding printed in the config's own FILE:LINE:COL form, when the engine could not carry out
    /// <paramref name="loaded"/> on <paramref name="device"/> (sector size, LUKS); read from the device, nothing downloaded.
    /// </summary>
    public static bool TargetRefused(LoadedConfig loaded, string device, string configPath, TextWriter stderr)
    {
        var errors = TargetRules.ForDevice(loaded, device, DeviceFacts.Read(device).LogicalSectorSize);
        foreach (var d in errors)
        {
            stderr.WriteLine(d.Format(configPath));
        }

        if (errors.Count > 0)
        {
            stderr.WriteLine($"keel: {configPath} cannot be installed onto {device}");
        }

        return errors.Count > 0;
    }

    /// <summary>SOURCE_DATE_EPOCH from the environment; null when unset, ArgumentException when not a number.</summary>
    public static long? SourceDateEpoch()
    {
        var text = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch)
            ? epoch
            : throw new ArgumentException($"SOURCE_DATE_EPOCH '{text}': not a number of seconds since 1970");
    }
}
