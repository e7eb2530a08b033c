using System.CommandLine;
using Keel.Errors;
using Keel.Provisioning;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.Provisioning.Schema;
using Keel.Provisioning.UserData;

namespace Keel.Agent.Commands;

/// <summary>`keel-agent schema --config FILE`: validates a cloud-config against cloud-init's schema with YAML line numbers.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The #cloud-config file (or multipart user data) to validate.", Required = true };
        var schemaFile = new Option<string?>("--schema") { Description = "cloud-init schema-cloud-config-v1.json to use (default: the embedded 22.4.2 schema)." };
        var strict = new Option<bool>("--strict") { Description = "Keys and options keel-agent does not apply (modules not implemented, not applicable on an RPM distribution, unsupported options) are errors, not warnings." };
        var cmd = new Command("schema", "Validate a cloud-config against cloud-init's JSON schema and keel-agent's module support. Prints FILE:LINE: error|warning: PATH: MESSAGE.\n" +
            "Unknown and deprecated keys, and keys keel-agent does not apply, are warnings (--strict, or keel_agent: {strict: true} in the config: errors). Exit 0 valid, 1 invalid.\n\n" +
            "Example: keel-agent schema --config user-data --strict")
        {
            config, schemaFile, strict,
        };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(config)!;
            var schemaPath = parse.GetValue(schemaFile);
            var schema = schemaPath is null
                ? CloudConfigSchema.LoadEmbedded() ?? throw new NotSupportedException("no embedded schema in this build; pass --schema FILE")
                : CloudConfigSchema.Load(schemaPath);
            var output = parse.InvocationConfiguration.Output;
            var invalid = false;
            foreach (var (name, text) in CloudConfigDocuments(path, parse.InvocationConfiguration.Error))
            {
                CloudNode? node;
                try
                {
                    node = YamlConfigReader.Parse(text, name);
                }
                catch (Exception ex) when (YamlConfigReader.IsRefusal(ex))
                {
                    output.WriteLine(ex.Message + " (error)");
                    invalid = true;
                    continue;
                }

                var report = schema.Validate(node);
                if (node is CloudMap map)
                {
                    // Never silent: what keel-agent will not apply is named here as it is in `status` after a run.
                    var severity = parse.GetValue(strict) || ModuleCoverage.IsStrict(map) ? Severity.Error : Severity.Warning;
                    report.Issues.AddRange(ModuleCoverage.Check(map, severity).Where(f => !report.Issues.Contains(f)));
                    report.Issues.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : string.CompareOrdinal(a.Path, b.Path));
                }

                output.Write(CloudConfigSchema.Format(report, name));
                invalid |= !report.IsValid;
            }

            output.WriteLine(invalid ? $"{path}: invalid" : $"{path}: valid");
            return invalid ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>A #cloud-config file is validated as it is (so lines match the file); other user data is split into its cloud-config parts.</summary>
    private static IEnumerable<(string Name, string Text)> CloudConfigDocuments(string path, TextWriter error)
    {
        var bytes = File.ReadAllBytes(path);
        var head = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 64)).TrimStart();
        if (head.StartsWith("#cloud-config", StringComparison.OrdinalIgnoreCase) && !head.StartsWith("#cloud-config-archive", StringComparison.OrdinalIgnoreCase))
        {
            return [(path, System.Text.Encoding.UTF8.GetString(bytes))];
        }

        var processed = new UserDataProcessor(new LocalIncludeFetcher()).Process(bytes, path);
        foreach (var d in processed.Diagnostics)
        {
            error.WriteLine("keel-agent: " + d);
        }

        var parts = processed.Parts.Where(p => p.ContentType == UserDataTypes.CloudConfig).Select(p => ($"{path} ({p.Filename})", p.Text)).ToList();
        return parts.Count > 0 ? parts : throw new InvalidDataException($"{path}: no #cloud-config found");
    }
}
