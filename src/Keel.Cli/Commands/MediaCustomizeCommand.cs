using System.CommandLine;
using Keel.Config.Presets;
using Keel.Errors;
using Keel.Media.Iso;

namespace Keel.Cli.Commands;

/// <summary>`keel media customize installer.iso --config FILE [--cmdline ARGS] -o custom.iso`: embed an unattended config without a rebuild.</summary>
internal static class MediaCustomizeCommand
{
    public static Command Create()
    {
        var iso = new Argument<string>("ISO") { Description = "The installer ISO made by keel media build." };
        var config = new Option<string>("--config") { Description = "A keel/v1 Machine config (validated first), embedded as keel/custom/keel.yaml for the installer." };
        var cmdline = new Option<string>("--cmdline") { Description = "Extra installer arguments (keel.autoinstall, keel.repo=URL, ...), written to keel/custom/cmdline: the UKI's own command line is sealed." };
        var output = new Option<string>("--output", "-o") { Description = "The customized ISO to write.", Required = true };
        var presets = ConfigValidateCommand.PresetsOption();
        var cmd = new Command("customize",
            "Copy a medium with an unattended config and/or installer arguments added under keel/custom. Every original file " +
            "and the boot partition stay byte-identical, so the medium's signature still holds; 'keel media verify' lists the " +
            "added files as unsigned.\n\n" +
            "Example: keel media customize installer.iso --config host.yaml --cmdline keel.autoinstall -o host-installer.iso")
        {
            iso, config, cmdline, output, presets,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var configFile = parse.GetValue(config);
            var stderr = parse.InvocationConfiguration.Error;
            if (configFile is not null)
            {
                if (ConfigCommandSupport.LoadValid(configFile, PresetCatalog.CreateDefault(parse.GetValue(presets)), stderr, out var exit) is null)
                {
                    return exit;
                }
            }

            var added = await MediumCustomizer.CustomizeAsync(parse.GetValue(iso)!, parse.GetValue(output)!, new MediumCustomization(configFile, parse.GetValue(cmdline)),
                ConfigCommandSupport.SourceDateEpoch(), ct).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"wrote {parse.GetValue(output)} with {string.Join(", ", added)} (unsigned additions; the original files are unchanged)")
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
