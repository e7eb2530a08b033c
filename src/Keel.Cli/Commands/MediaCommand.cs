using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary>`keel media`: build, verify and customize installer media.</summary>
internal static class MediaCommand
{
    public static Command Create()
    {
        var media = new Command("media", "Installer media: a signed hybrid ISO (CD/DVD and USB) with a live environment and an offline repository.");
        media.Subcommands.Add(MediaBuildCommand.Create());
        media.Subcommands.Add(MediaVerifyCommand.Create());
        media.Subcommands.Add(MediaCustomizeCommand.Create());
        return media;
    }
}
