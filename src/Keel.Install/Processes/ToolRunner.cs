using System.ComponentModel;
using System.Diagnostics;

namespace Keel.Install.Processes;

/// <summary>What a finished tool printed.</summary>
public sealed record ToolOutput(string StandardOutput, string StandardError);

/// <summary>
/// Runs the host tools the engine builds on (objcopy, chroot, systemctl, ssh-keygen ...). Every failure becomes one
/// IOException line naming the step and the tool, and cancellation kills the tool's whole process tree, so a cancelled
/// build never leaves a child running.
/// </summary>
public static class ToolRunner
{
    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/>; throws IOException on a non-zero exit.</summary>
    public static async Task<ToolOutput> RunAsync(
        string stepId,
        string tool,
        IEnumerable<string> arguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        string? debianPackage = null)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        // Tools print their messages in the C locale so they can be quoted in Keel's errors.
        psi.Environment["LC_ALL"] = "C";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new IOException($"{stepId}: could not start {tool}");
        }
        catch (Win32Exception ex)
        {
            var hint = debianPackage is null ? "" : $" (install the Debian package {debianPackage}; scripts/setup-host.sh does)";
            throw new IOException($"{stepId}: cannot run {tool}: {ex.Message}{hint}", ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                throw;
            }

            var output = new ToolOutput(await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            if (process.ExitCode != 0)
            {
                throw new IOException($"{stepId}: {Path.GetFileName(tool)} failed (exit {process.ExitCode}): {LastLines(output.StandardError.Length > 0 ? output.StandardError : output.StandardOutput)}");
            }

            return output;
        }
    }

    /// <summary>The last few non-empty lines of a tool's output joined into one line.</summary>
    public static string LastLines(string text, int count = 3)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var joined = string.Join("; ", lines.Length > count ? lines[^count..] : lines);
        return joined.Length == 0 ? "(no message)" : joined;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
