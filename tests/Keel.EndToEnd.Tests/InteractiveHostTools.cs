using System.Diagnostics;

namespace Keel.EndToEnd.Tests;

/// <summary>Host tools the interactive install's test runs (ssh, ssh-keyscan, sgdisk, sfdisk, mtools), with input and without failing on a non-zero exit.</summary>
internal static class InteractiveHostTools
{
    /// <summary>Runs <paramref name="tool"/>; returns its exit code and outputs. <paramref name="stdin"/> is written to its input (then closed).</summary>
    public static (int Exit, string Stdout, string Stderr) TryRun(string tool, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
        }

        p.StandardInput.Close();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, stdout.Result, stderr.Result + $"\n{tool}: killed after {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <paramref name="tool"/> and asserts it succeeded; returns its output.</summary>
    public static string Run(string tool, IEnumerable<string> args, string? stdin = null)
    {
        var (exit, stdout, stderr) = TryRun(tool, args, stdin);
        Assert.True(exit == 0, $"{tool} {string.Join(' ', args)} failed ({exit}): {stderr}");
        return stdout;
    }
}
