using System.Diagnostics;

namespace Keel.VirtualMachines;

/// <summary>Runs a short-lived host tool (qemu-img, mkfs.vfat, mcopy) to completion: no shell, stderr captured, killed on cancellation.</summary>
internal static class ToolRunner
{
    /// <summary>Runs <paramref name="program"/>; throws IOException with its last stderr line when it exits non-zero.</summary>
    public static async Task RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
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

        await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var last = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            throw new IOException($"{Path.GetFileName(program)} exited with status {process.ExitCode}{(last is null ? "" : ": " + last)}");
        }
    }
}
