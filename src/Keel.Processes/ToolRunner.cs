using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Keel.Processes;

/// <summary>
/// Runs a host tool (rpm, mkfs.*, sgdisk, qemu-img, ssh-keygen, dnf, a user's script ...) to completion: no shell, the C
/// locale and UTC (unless asked otherwise) so its output never depends on the host, stdin closed or fed, stdout and stderr captured, and the whole
/// process tree killed on cancellation or timeout so Keel never leaves a tool running. Every process Keel waits for is
/// started here.
/// </summary>
public static class ToolRunner
{
    /// <summary>
    /// Runs <paramref name="program"/>; throws IOException naming it and quoting its last stderr line when it exits non-zero
    /// (unless <paramref name="allowFailure"/>), and IOException naming <paramref name="debianPackage"/> when it cannot start.
    /// </summary>
    public static Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken, bool allowFailure = false, string? debianPackage = null) =>
        RunAsync(new ToolOptions { Environment = environment, AllowFailure = allowFailure, DebianPackage = debianPackage }, program, arguments, cancellationToken);

    /// <summary>
    /// Runs <paramref name="program"/> (a bare name is found with <see cref="ToolLookup"/>) as <paramref name="options"/> say.
    /// Throws IOException when it cannot start or exits non-zero (unless allowed), TimeoutException when it outlives the
    /// timeout, OperationCanceledException when cancelled; in the last two cases the process tree is killed first.
    /// </summary>
    public static async Task<ToolResult> RunAsync(ToolOptions options, string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var psi = StartInfo(program, arguments, options.Environment, options.NeutralLocale);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        if (options.WorkingDirectory is { } directory)
        {
            psi.WorkingDirectory = directory;
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var process = Start(psi, program, options.DebianPackage);
        var stdin = Feed(process.StandardInput, options.Input);
        var stdout = Read(process.StandardOutput, options.OutputLimit);
        var stderr = Read(process.StandardError, options.OutputLimit);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout is { } timeout)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Describe(program, psi.ArgumentList)}: still running after {options.Timeout}, killed");
        }

        await stdin.ConfigureAwait(false);
        var result = new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        if (process.ExitCode != 0 && !options.AllowFailure)
        {
            throw new IOException($"{Path.GetFileName(program)} exited with status {process.ExitCode}{(result.LastErrorLine is { } last ? ": " + last : "")}");
        }

        return result;
    }

    /// <summary>The synchronous form of <see cref="RunAsync(ToolOptions, string, IEnumerable{string}, CancellationToken)"/>, for callers that are synchronous themselves (the agent's modules).</summary>
    public static ToolResult Run(ToolOptions options, string program, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        RunAsync(options, program, arguments, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Starts <paramref name="program"/> and leaves it running, output to Keel's own stdout and stderr: for a tool whose
    /// effect outlives Keel (shutdown(8) scheduling a power-off). Throws IOException when it cannot start.
    /// </summary>
    public static void StartDetached(string program, IEnumerable<string> arguments)
    {
        using var process = Start(StartInfo(program, arguments, null, neutralLocale: false), program, null);
    }

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, bool neutralLocale)
    {
        var psi = new ProcessStartInfo(ToolLookup.Find(program) ?? program) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        if (neutralLocale)
        {
            psi.Environment["LC_ALL"] = "C";
            psi.Environment["TZ"] = "UTC";
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        return psi;
    }

    private static Process Start(ProcessStartInfo psi, string program, string? debianPackage)
    {
        try
        {
            return Process.Start(psi) ?? throw new IOException($"{program}: could not be started");
        }
        catch (Win32Exception ex)
        {
            var hint = debianPackage is null ? "" : $" (install the Debian package {debianPackage}; scripts/setup-host.sh does)";
            throw new IOException($"cannot run {program}: {ex.Message}{hint}", ex);
        }
    }

    private static async Task Feed(StreamWriter stdin, string? input)
    {
        try
        {
            if (input is not null)
            {
                await stdin.WriteAsync(input).ConfigureAwait(false);
            }

            stdin.Close();
        }
        catch (IOException)
        {
            // The tool exited without reading all of its input; its exit status says whether that was a failure.
        }
    }

    private static async Task<string> Read(StreamReader reader, int? limit)
    {
        if (limit is not { } max)
        {
            return await reader.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var kept = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            kept.Append(buffer, 0, Math.Min(read, Math.Max(0, max - kept.Length)));
        }

        return kept.ToString();
    }

    private static string Describe(string program, IEnumerable<string> arguments) => string.Join(' ', arguments.Prepend(Path.GetFileName(program)));
}

/// <summary>What a finished tool left behind: exit code, stdout and stderr.</summary>
public sealed record ToolResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty stderr line, the one that usually says what went wrong.</summary>
    public string? LastErrorLine => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
