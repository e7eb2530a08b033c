using System.CommandLine;
using System.Text.Json;
using Keel.Errors;
using Keel.Repository;

namespace Keel.Cli.Commands;

/// <summary>`keel repo query`: list the packages of rpm-md repositories.</summary>
internal static class RepoQueryCommand
{
    public static Command Create()
    {
        var repoOptions = new RepoOptions();
        var patterns = new Argument<string[]>("PATTERN") { Description = "Glob over package names (also name.arch or NEVRA); none lists everything.", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print a JSON array of packages." };
        var cmd = new Command(
            "query",
            "List packages (NEVRA and repository) of rpm-md repositories, like dnf repoquery.\n\n" +
            "Example: keel repo query --repo ./myrepo 'kernel*' --json")
        {
            patterns, json,
        };
        repoOptions.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var request = repoOptions.Read(parse);
            using var loader = new RepositoryLoader();
            var repos = await RepoOptions.LoadAllAsync(loader, request, RepoOptions.LoadOptions(request), parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            var wanted = parse.GetValue(patterns) ?? [];
            var matches = repos
                .SelectMany(r => r.Packages)
                .Where(p => wanted.Length == 0 || PackageFilter.MatchesAny(wanted, p))
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .ThenBy(p => p.Evr)
                .ThenBy(p => p.Arch, StringComparer.Ordinal)
                .ThenBy(p => p.RepositoryId, StringComparer.Ordinal)
                .ToArray();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var items = matches.Select(p => new RepoQueryPackage(
                    p.Name, p.Evr.Epoch, p.Evr.Version, p.Evr.Release, p.Arch, p.Nevra, p.RepositoryId, p.Summary,
                    p.Location?.Href, p.Location?.ChecksumType, p.Location?.Checksum, p.Location?.Size ?? 0)).ToArray();
                await output.WriteLineAsync(JsonSerializer.Serialize(items, RepoJsonContext.Default.RepoQueryPackageArray)).ConfigureAwait(false);
            }
            else
            {
                foreach (var p in matches)
                {
                    await output.WriteLineAsync($"{p.Nevra}\t{p.RepositoryId}").ConfigureAwait(false);
                }
            }

            return wanted.Length > 0 && matches.Length == 0 ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return cmd;
    }
}
