using System.CommandLine;
using Keel.Config.Loading;
using Keel.Errors;

namespace Keel.Cli.Commands;

/// <summary>`keel config`: validate machine configs and print their schema.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var config = new Command("config", "Check keel/v1 machine configs.");
        config.Subcommands.Add(ConfigValidateCommand.Create());
        var schema = new Command("schema", "Print the keel/v1 JSON Schema (for editors).\n\nExample: keel config schema > keel-v1.schema.json");
        schema.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(ConfigSchema.Read());
            return ExitCodes.Ok;
        });
        config.Subcommands.Add(schema);
        return config;
    }
}
