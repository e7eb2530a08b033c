using System.ComponentModel;
using System.Diagnostics;

namespace Keel.Processes;

/// <summary>
/// Runs a short-lived host tool (rpm, mkfs.*, sgdisk, qemu-img, objcopy ...) to completion: no shell, the C locale and UTC
/// so its output never depends on the host, stdin closed, stdout and stderr captured, and the whole process tree killed
/// on cancellation so a cancelled Keel never leaves a tool running.
/// </summary>
public static class ToolRunner
{
    /// <summary>
    /// Runs <paramref name="program"/>; throws IOException naming it and quoting its last stderr line when it exits non-zero
    /// (unless <paramref name="allowFailure"/>), and IOException naming <paramref name="debianPackage"/> when it cannot start.
    /// </summary>
    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken, bool allowFailure = false, string? debianPackage = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        psi.Environment["LC_ALL"] = "C";
        psi.Environment["TZ"] = "UTC";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new IOException($"{program}: could not be started");
        }
        catch (Win32Exception ex)
        {
            var hint = debianPackage is null ? "" : $" (install the Debian package {debianPackage}; scripts/setup-host.sh does)";
            throw new IOException($"cannot run {program}: {ex.Message}{hint}", ex);
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
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            var result = new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            if (process.ExitCode != 0 && !allowFailure)
            {
                throw new IOException($"{Path.GetFileName(program)} exited with status {process.ExitCode}{(result.LastErrorLine is { } last ? ": " + last : "")}");
            }

            return result;
        }
    }
}

/// <summary>What a finished tool left behind: exit code, stdout and stderr.</summary>
public sealed record ToolResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty stderr line, the one that usually says what went wrong.</summary>
    public string? LastErrorLine => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
