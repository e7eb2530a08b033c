using System.ComponentModel;
using System.Diagnostics;

namespace Keel.Install;

/// <summary>Runs the host's rpm against a target root, always with an explicit --root and --dbpath.</summary>
public sealed class RpmRunner
{
    /// <summary>Where the rpmdb lives inside the root: the location Fedora and Azure Linux use, whatever the host's rpm defaults to.</summary>
    public const string DbPath = "/usr/lib/sysimage/rpm";

    private readonly string _root;
    private readonly string _executable;
    private readonly long? _sourceDateEpoch;

    /// <summary>
    /// A runner for <paramref name="root"/> (absolute) using <paramref name="executable"/> from PATH. With
    /// <paramref name="sourceDateEpoch"/> rpm records that time as the install time (it reads SOURCE_DATE_EPOCH), so the
    /// rpmdb of a reproducible build does not carry the clock.
    /// </summary>
    public RpmRunner(string root, string executable = "rpm", long? sourceDateEpoch = null)
    {
        _root = root;
        _executable = executable;
        _sourceDateEpoch = sourceDateEpoch;
    }

    /// <summary>
    /// Runs rpm with <paramref name="arguments"/> after --root and --dbpath; returns stdout. A non-zero exit throws
    /// IOException naming <paramref name="stepId"/> and rpm's last lines of stderr.
    /// </summary>
    public async Task<string> RunAsync(string stepId, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_sourceDateEpoch is { } epoch)
        {
            psi.Environment["SOURCE_DATE_EPOCH"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(_root);
        psi.ArgumentList.Add("--dbpath");
        psi.ArgumentList.Add(DbPath);
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Start(psi, stepId);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A cancelled build must not leave rpm writing into a root that is about to be removed.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new IOException($"{stepId}: rpm --root {_root} {(psi.ArgumentList.Count > 4 ? psi.ArgumentList[4] : "")} failed (exit {process.ExitCode}): {OneLine(errors.Length > 0 ? errors : output)}");
        }

        return output;
    }

    /// <summary>Whether this rpm knows --force-debian (Debian's rpm refuses plain installs without it).</summary>
    public async Task<bool> NeedsForceDebianAsync(CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(_executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--help");
        using var process = Start(psi, "rpm --help");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var text = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        return text.Contains("--force-debian", StringComparison.Ordinal);
    }

    private static Process Start(ProcessStartInfo psi, string what)
    {
        try
        {
            return Process.Start(psi) ?? throw new IOException($"{what}: could not start {psi.FileName}");
        }
        catch (Win32Exception ex)
        {
            throw new IOException($"{what}: cannot run {psi.FileName}: {ex.Message}", ex);
        }
    }

    // rpm reports one problem per line; the message must stay one line, so the lines are joined and the tail kept.
    private static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var joined = string.Join("; ", lines.Length > 20 ? lines[^20..] : lines);
        return joined.Length == 0 ? "(no message)" : joined;
    }
}
