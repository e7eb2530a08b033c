using System.CommandLine;
using Keel.Progress;

namespace Keel.Cli.Progress;

/// <summary>The --progress option shared by long-running commands; the renderers are Keel.Progress's.</summary>
internal static class ProgressOptions
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--progress")
        {
            Description = "auto (a live line on a terminal, plain lines otherwise), plain (one line per event on stderr), " +
                "or json (one JSON object per line on stdout, with stable step ids; for programs and the installer UI).",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong([.. ProgressRenderers.Modes]);
        return option;
    }

    public static ProgressReporter CreateReporter(string mode, TextWriter stdout, TextWriter stderr) => ProgressRenderers.Create(mode, stdout, stderr);
}
