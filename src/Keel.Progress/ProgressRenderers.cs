namespace Keel.Progress;

/// <summary>The renderers by name, as `--progress` and the installer's unattended mode choose them.</summary>
public static class ProgressRenderers
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Modes = ["auto", "plain", "json"];

    /// <summary>
    /// json: one object per line on <paramref name="stdout"/>; plain: one line per event on <paramref name="stderr"/>;
    /// auto: a live line when <paramref name="stderr"/> is the console's terminal, plain lines otherwise.
    /// </summary>
    public static ProgressReporter Create(string mode, TextWriter stdout, TextWriter stderr) => mode switch
    {
        "json" => new JsonProgressReporter(stdout),
        "plain" => new PlainProgressReporter(stdout, stderr, live: false),
        "auto" => new PlainProgressReporter(stdout, stderr, live: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected),
        _ => throw new ArgumentException($"--progress {mode}: not one of {string.Join(", ", Modes)}", nameof(mode)),
    };
}
