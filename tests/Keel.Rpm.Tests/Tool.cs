using System.Diagnostics;
using System.Text;

namespace Keel.Rpm.Tests;

/// <summary>Runs a real command-line tool (rpm, rpmbuild, cpio...) with an argument list and returns its output.</summary>
internal static class Tool
{
    public static (int ExitCode, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string? workingDirectory = null, string? stdinFile = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["LC_ALL"] = "C.UTF-8";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            using (var input = File.OpenRead(stdinFile))
            {
                input.CopyTo(p.StandardInput.BaseStream);
            }

            p.StandardInput.Close();
        }

        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    public static string Ok(string file, params string[] args)
    {
        var (code, stdout, stderr) = Run(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {stderr}");
        }

        return stdout;
    }
}
