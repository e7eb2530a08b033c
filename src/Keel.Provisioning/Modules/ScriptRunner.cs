using System.Diagnostics;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>Runs a script that lives in the target root: directly when the root is "/", through chroot otherwise.</summary>
public static class ScriptRunner
{
    /// <summary>Runs <paramref name="pathInRoot"/> (optionally through /bin/sh); throws IOException naming it on a non-zero exit or timeout.</summary>
    public static void Run(ModuleContext context, string pathInRoot, bool throughShell, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (context.Root.IsHostRoot)
        {
            psi.FileName = throughShell ? "/bin/sh" : pathInRoot;
            if (throughShell)
            {
                psi.ArgumentList.Add(pathInRoot);
            }
        }
        else
        {
            psi.FileName = "chroot";
            psi.ArgumentList.Add(context.Root.RootPath);
            if (throughShell)
            {
                psi.ArgumentList.Add("/bin/sh");
            }

            psi.ArgumentList.Add(pathInRoot);
        }

        psi.WorkingDirectory = context.Root.RootPath;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var process = Process.Start(psi) ?? throw new IOException($"{pathInRoot}: could not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(context.Options.ScriptTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new IOException($"{pathInRoot}: still running after {context.Options.ScriptTimeout}, killed");
        }

        context.Log.Write(stdout.GetAwaiter().GetResult());
        var err = stderr.GetAwaiter().GetResult();
        context.Log.Write(err);
        if (process.ExitCode != 0)
        {
            var last = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
            throw new IOException($"{pathInRoot}: exited with status {process.ExitCode}{(last is null ? "" : ": " + last)}");
        }
    }
}
