using System.CommandLine;
using Keel.Errors;
using Keel.Validation;

namespace Keel.Validate;

/// <summary>keel-validate: the running machine checks itself against its certified image.</summary>
public static class ValidateCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new Option<DirectoryInfo>("--root") { Description = "Validate this root tree instead of the running system (/). The loaded SELinux policy and Secure Boot are then skipped." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of lines." };
        var keys = new Option<FileInfo[]>("--key") { Description = "Trust this OpenPGP public key file instead of the release's own keys; repeat for several." };
        var command = new RootCommand(
            "keel-validate: check that this machine is the certified image it was built as.\n\n" +
            ValidationReportWriter.ChecksHelp + "\n\n" +
            "Examples:\n  keel-validate\n  keel-validate --json | jq '.results[] | select(.status == \"FAIL\")'\n\n" +
            ExitCodes.HelpText)
        {
            root, json, keys,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(root);
            var options = new ValidationOptions(dir?.FullName ?? "/", [.. (parse.GetValue(keys) ?? []).Select(k => k.FullName)], Running: dir is null);
            var report = SystemValidator.Validate(options, dir is null ? "running system" : $"root {dir.FullName}");
            ValidationReportWriter.Write(report, parse.InvocationConfiguration.Output, parse.GetValue(json));
            return report.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });

        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return await command.Parse(args).InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception ex) when (ExitCodes.IsExpected(ex))
        {
            await stderr.WriteLineAsync("keel-validate: " + ExitCodes.Describe(ex)).ConfigureAwait(false);
            return ExitCodes.For(ex);
        }
    }
}
