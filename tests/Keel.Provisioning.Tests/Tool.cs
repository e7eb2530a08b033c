using System.Diagnostics;

namespace Keel.Provisioning.Tests;

/// <summary>Runs a real tool and fails the test with its output when it exits non-zero.</summary>
internal static class Tool
{
    public static (int Exit, string Output) TryRun(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    public static string Run(string file, params string[] args)
    {
        var (exit, output) = TryRun(file, args);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited {exit}: {output}");
        return output;
    }
}
