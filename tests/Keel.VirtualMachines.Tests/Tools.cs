using System.Diagnostics;

namespace Keel.VirtualMachines.Tests;

/// <summary>Runs a host tool for a test and returns its stdout; fails the test on a non-zero exit.</summary>
internal static class Tools
{
    public static string Run(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {stderr.Result}");
        return stdout.Result;
    }
}
