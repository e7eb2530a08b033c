using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary>`keel mirror`: air-gapped mirrors of rpm-md repositories.</summary>
internal static class MirrorCommand
{
    public static Command Create()
    {
        var mirror = new Command("mirror", "Keep a verified, snapshot-published copy of rpm-md repositories in a plain directory (for air-gapped sites). See docs/mirror.md.");
        mirror.Subcommands.Add(MirrorSyncCommand.Create());
        return mirror;
    }
}
