using System.CommandLine;
using System.Text.Json;
using Keel.Advisories;
using Keel.Errors;
using Keel.Repository;
using Keel.Sbom;

namespace Keel.Cli.Commands;

/// <summary>`keel scan`: the advisories of repositories' updateinfo that apply to a system's installed packages.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var target = new SystemTargetOptions();
        var repoOptions = new RepoOptions();
        var failOn = new Option<string?>("--fail-on")
        {
            Description = "Exit 1 when an advisory of this severity or higher applies: low, moderate, important or critical.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (system, package count, advisories)." };
        var cmd = new Command(
            "scan",
            "List the advisories (updateinfo) of the given repositories that apply to a system: id, type, severity, CVE ids, " +
            "the installed and the fixed version. An advisory package applies when the newest installed package of the same " +
            "name and arch is older, the rule of 'dnf updateinfo list --installroot'.\n\n" +
            "Examples:\n  keel scan --root /mnt/image --repo /srv/mirror/azl4 --fail-on important\n" +
            "  keel scan --image disk.qcow2 --repofile azl.repo --json\n\n" +
            "Exit codes: 0 ok (or nothing at the --fail-on level), 1 an advisory at or above --fail-on applies or the scan " +
            "failed, 2 usage error, 130 interrupted.")
        {
            failOn, json,
        };
        target.AddTo(cmd);
        repoOptions.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var threshold = parse.GetValue(failOn) is { } level ? AdvisorySeverities.ParseThreshold(level) : (AdvisorySeverity?)null;
            var request = repoOptions.Read(parse);
            SystemSnapshot snapshot;
            await using (var system = await target.OpenAsync(parse, ct).ConfigureAwait(false))
            {
                snapshot = SystemSnapshot.FromInventory(SystemInventory.Read(system.Root, system.Description));
            }

            var advisories = await LoadAdvisoriesAsync(request, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            var findings = AdvisoryScanner.Scan(snapshot.Packages, advisories);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var report = AdvisoryReports.ToReport(snapshot.Description, snapshot.Packages.Count, findings);
                await output.WriteLineAsync(JsonSerializer.Serialize(report, AdvisoriesJsonContext.Default.ScanReport)).ConfigureAwait(false);
            }
            else
            {
                foreach (var line in AdvisoryReports.ScanText(findings))
                {
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                }
            }

            return threshold is { } t && AdvisoryScanner.AnyAtOrAbove(findings, t) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Loads the repositories' metadata and keeps their advisories.</summary>
    internal static async Task<IReadOnlyList<RepositoryAdvisories>> LoadAdvisoriesAsync(RepoRequest request, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var loader = new RepositoryLoader();
        var repos = await RepoOptions.LoadAllAsync(loader, request, RepoOptions.LoadOptions(request), stderr, cancellationToken).ConfigureAwait(false);
        return repos.Select(r => new RepositoryAdvisories(r.Id, r.Advisories)).ToArray();
    }
}
