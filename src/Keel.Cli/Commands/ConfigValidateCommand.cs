using System.CommandLine;
using System.Text.Json;
using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;

namespace Keel.Cli.Commands;

/// <summary>`keel config validate FILE`: every error with line:column, path and hint.</summary>
internal static class ConfigValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The keel/v1 YAML config." };
        var json = new Option<bool>("--json") { Description = "Print the diagnostics as a JSON array." };
        var presets = PresetsOption();
        var cmd = new Command("validate",
            "Validate a config: print every error and warning as FILE:LINE:COL: severity: PATH: message (hint).\n" +
            "Exit 0 valid (warnings allowed), 1 invalid, 2 unreadable or an unsupported apiVersion.\n\n" +
            "Example: keel config validate examples/fixture/minimal.yaml")
        {
            file, json, presets,
        };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(file)!;
            ConfigLoadResult result;
            try
            {
                result = ConfigValidator.LoadAndValidate(path, PresetCatalog.CreateDefault(parse.GetValue(presets)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                parse.InvocationConfiguration.Error.WriteLine("keel: " + ex.Message);
                return ExitCodes.Usage;
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(result.Diagnostics, DiagnosticJsonContext.Default.ListConfigDiagnostic));
            }
            else
            {
                foreach (var d in result.Diagnostics)
                {
                    output.WriteLine(d.Format(path));
                }

                int errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
                int warnings = result.Diagnostics.Count(d => d.Severity == Severity.Warning);
                output.WriteLine(errors == 0 ? $"{path}: valid ({warnings} warning(s))" : $"{path}: invalid ({errors} error(s), {warnings} warning(s))");
            }

            return result.Unsupported ? ExitCodes.Usage : result.HasErrors ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>--presets DIR: extra preset directories searched first.</summary>
    public static Option<string[]> PresetsOption() => new("--presets")
    {
        Description = "A directory of presets (DIR/DISTRIBUTION/PRESET.yaml) searched before $KEEL_PRESET_PATH and the built-in ones.",
        AllowMultipleArgumentsPerToken = false,
    };
}
