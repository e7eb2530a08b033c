using System.Diagnostics;

namespace Keel.DiskImages;

/// <summary>Runs a short-lived host tool to completion: no shell, fixed environment, stderr captured, killed on cancellation.</summary>
internal static class ToolRunner
{
    /// <summary>Runs <paramref name="program"/> and returns its stdout; throws IOException with its last stderr line when it exits non-zero.</summary>
    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken, bool allowFailure = false)
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

        // Tools format dates and sort names by locale and time zone; pin both so output never depends on the host.
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
        using var process = Process.Start(psi) ?? throw new IOException($"{program}: could not be started");
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

        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        var result = new ToolResult(process.ExitCode, output, error);
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new IOException($"{Path.GetFileName(program)} exited with status {process.ExitCode}{(result.LastErrorLine is { } last ? ": " + last : "")}");
        }

        return result;
    }
}

/// <summary>What a finished tool left behind: exit code, stdout and stderr.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty stderr line, the one that usually says what went wrong.</summary>
    public string? LastErrorLine => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
