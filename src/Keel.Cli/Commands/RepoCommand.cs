using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary>`keel repo`: read rpm-md repositories, resolve and download packages, compare versions.</summary>
internal static class RepoCommand
{
    public static Command Create()
    {
        var repo = new Command("repo", "Query rpm-md repositories, resolve dependencies and download packages.");
        repo.Subcommands.Add(RepoVercmpCommand.Create());
        repo.Subcommands.Add(RepoResolveCommand.Create());
        repo.Subcommands.Add(RepoTestcaseCommand.Create());
        repo.Subcommands.Add(RepoQueryCommand.Create());
        repo.Subcommands.Add(RepoDownloadCommand.Create());
        return repo;
    }
}
