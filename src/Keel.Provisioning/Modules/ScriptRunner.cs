using Keel.Processes;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>Runs a script that lives in the target root: directly when the root is "/", through chroot otherwise.</summary>
public static class ScriptRunner
{
    // A script's output goes to the agent's log; a runaway script must not be able to fill the agent's memory with it.
    private const int OutputLimit = 4 * 1024 * 1024;

    /// <summary>Runs <paramref name="pathInRoot"/> (optionally through /bin/sh); throws IOException naming it on a non-zero exit or timeout.</summary>
    public static void Run(ModuleContext context, string pathInRoot, bool throughShell, IReadOnlyDictionary<string, string>? environment = null)
    {
        var shell = throughShell ? new[] { "/bin/sh" } : [];
        var (program, arguments) = context.Root.IsHostRoot
            ? (throughShell ? "/bin/sh" : pathInRoot, throughShell ? [pathInRoot] : Array.Empty<string>())
            : ("chroot", [context.Root.RootPath, .. shell, pathInRoot]);
        var options = new ToolOptions
        {
            Environment = environment,
            NeutralLocale = false,
            WorkingDirectory = context.Root.RootPath,
            Timeout = context.Options.ScriptTimeout,
            OutputLimit = OutputLimit,
            AllowFailure = true,
        };
        ToolResult result;
        try
        {
            result = ToolRunner.Run(options, program, arguments, context.Cancellation);
        }
        catch (TimeoutException)
        {
            throw new IOException($"{pathInRoot}: still running after {context.Options.ScriptTimeout}, killed");
        }

        context.Log.Write(result.Output);
        context.Log.Write(result.Error);
        if (result.ExitCode != 0)
        {
            throw new IOException($"{pathInRoot}: exited with status {result.ExitCode}{(result.LastErrorLine is { } last ? ": " + last : "")}");
        }
    }
}
