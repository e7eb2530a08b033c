using Keel.Processes;

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
        var args = new List<string> { "--root", _root, "--dbpath", DbPath };
        args.AddRange(arguments);
        var environment = _sourceDateEpoch is { } epoch
            ? new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null;
        ToolResult result;
        try
        {
            // The shared runner kills rpm on cancellation: a cancelled build must not leave it writing into a root that is about to go.
            result = await ToolRunner.RunAsync(_executable, args, environment, cancellationToken, allowFailure: true).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new IOException($"{stepId}: {ex.Message}", ex);
        }

        if (result.ExitCode != 0)
        {
            // rpm reports one problem per line (every NOKEY, every conflict): all of them, joined, not only the last.
            throw new IOException($"{stepId}: rpm --root {_root} {(args.Count > 4 ? args[4] : "")} failed (exit {result.ExitCode}): {OneLine(result.Error.Length > 0 ? result.Error : result.Output)}");
        }

        return result.Output;
    }

    /// <summary>Whether this rpm knows --force-debian (Debian's rpm refuses plain installs without it).</summary>
    public async Task<bool> NeedsForceDebianAsync(CancellationToken cancellationToken)
    {
        var result = await ToolRunner.RunAsync(_executable, ["--help"], null, cancellationToken, allowFailure: true).ConfigureAwait(false);
        return (result.Output + result.Error).Contains("--force-debian", StringComparison.Ordinal);
    }

    // rpm reports one problem per line; the message must stay one line, so the lines are joined and the tail kept.
    private static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var joined = string.Join("; ", lines.Length > 20 ? lines[^20..] : lines);
        return joined.Length == 0 ? "(no message)" : joined;
    }
}
