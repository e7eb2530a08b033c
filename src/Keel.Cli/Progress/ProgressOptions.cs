using System.CommandLine;

namespace Keel.Cli.Progress;

/// <summary>The --progress option shared by long-running commands and the reporter it selects.</summary>
internal static class ProgressOptions
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--progress")
        {
            Description = "auto (a live line on a terminal, plain lines otherwise), plain (one line per event on stderr), " +
                "or json (one JSON object per line on stdout, with stable phase ids; for programs and the installer UI).",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "plain", "json");
        return option;
    }

    public static ProgressReporter CreateReporter(string mode, TextWriter stdout, TextWriter stderr) => mode switch
    {
        "json" => new JsonProgressReporter(stdout),
        "plain" => new PlainProgressReporter(stdout, stderr, live: false),
        _ => new PlainProgressReporter(stdout, stderr, live: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected),
    };
}
