using Keel.Processes;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>Runs a program on behalf of a module (a user's script, dnf): output to the module log, killed after the script timeout.</summary>
internal static class ModuleCommand
{
    // The output only goes to the agent's log; a runaway program must not be able to fill the agent's memory with it.
    private const int OutputLimit = 4 * 1024 * 1024;

    /// <summary>
    /// Runs <paramref name="program"/> with the machine's own locale and time zone and returns its standard output (also
    /// logged); a non-zero exit or the timeout is one IOException line starting with <paramref name="shown"/>.
    /// </summary>
    public static string Run(ModuleContext context, string shown, string program, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var options = new ToolOptions
        {
            Environment = environment,
            NeutralLocale = false,
            WorkingDirectory = workingDirectory,
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
            throw new IOException($"{shown}: still running after {context.Options.ScriptTimeout}, killed");
        }

        context.Log.Write(result.Output);
        context.Log.Write(result.Error);
        return result.ExitCode == 0
            ? result.Output
            : throw new IOException($"{shown}: exited with status {result.ExitCode}{(result.LastErrorLine is { } last ? ": " + last : "")}");
    }
}

/// <summary>Runs one of the root's own programs: directly when the root is "/", through chroot into it otherwise.</summary>
internal static class RootCommand
{

    /// <summary>Runs <paramref name="argv"/> (a program found on the root's PATH) in the root; a non-zero exit is an IOException naming it.</summary>
    public static void Run(ModuleContext context, IReadOnlyList<string> argv)
    {
        var shown = string.Join(' ', argv);
        if (context.Root.IsHostRoot)
        {
            var program = Keel.Processes.ToolLookup.Find(argv[0]) ?? throw new IOException($"{argv[0]}: not installed");
            ModuleCommand.Run(context, shown, program, argv.Skip(1).ToList());
            return;
        }

        // The host's TMPDIR names a directory outside the root (update-ca-certificates' mktemp failed on it).
        ModuleCommand.Run(context, shown, "chroot", [context.Root.RootPath, .. argv], new Dictionary<string, string> { ["TMPDIR"] = "/tmp" }, context.Root.RootPath);
    }
}
