using System.Diagnostics;

namespace Keel.Validation.Tests;

/// <summary>Runs a real tool (rpm, rpmbuild, gpg) and returns its exit code and output.</summary>
internal static class Tool
{
    public static (int Exit, string Out, string Err) Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    public static string Check(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var list = args.ToList();
        var (exit, output, error) = Run(program, list, env);
        Assert.True(exit == 0, $"{program} {string.Join(' ', list)} exited {exit}: {error}");
        return output;
    }

    /// <summary>rpm against a root whose rpmdb is in usr/lib/sysimage/rpm (Debian's rpm defaults elsewhere).</summary>
    public static (int Exit, string Out, string Err) Rpm(string root, params string[] args) =>
        Run("rpm", ["--root", root, "--dbpath", "/usr/lib/sysimage/rpm", .. args]);
}
