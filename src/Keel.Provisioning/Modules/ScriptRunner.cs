using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>Runs a script that lives in the target root: directly when the root is "/", through chroot otherwise.</summary>
public static class ScriptRunner
{
    /// <summary>Runs <paramref name="pathInRoot"/> (optionally through /bin/sh); throws IOException naming it on a non-zero exit or timeout.</summary>
    public static void Run(ModuleContext context, string pathInRoot, bool throughShell, IReadOnlyDictionary<string, string>? environment = null)
    {
        string[] shell = throughShell ? ["/bin/sh"] : [];
        var (program, arguments) = context.Root.IsHostRoot
            ? (throughShell ? "/bin/sh" : pathInRoot, throughShell ? [pathInRoot] : Array.Empty<string>())
            : ("chroot", [context.Root.RootPath, .. shell, pathInRoot]);
        ModuleCommand.Run(context, pathInRoot, program, arguments, environment, context.Root.RootPath);
    }
}
