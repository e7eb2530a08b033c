using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;

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
            foreach (var d in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                stderr.WriteLine(d.Format(path));
            }

            stderr.WriteLine($"keel: {path} is invalid; run 'keel config validate {path}'");
            exitCode = result.Unsupported ? ExitCodes.InvalidUsage : ExitCodes.Failed;
            return null;
        }

        exitCode = ExitCodes.Ok;
        return result.Config;
    }
}
