using System.Diagnostics;
using System.Globalization;
using Keel.Errors;
using Keel.Media.Manifest;
using Keel.OpenPgp;

namespace Keel.Installer;

/// <summary>
/// The medium's check of itself, before anything is written anywhere: the manifest's signature by the key the live
/// environment carries, then every file through SHA-256 (<see cref="MediumVerifier"/>), with a progress line every tenth.
/// Prints `medium verified: N files, signed by KEYID`, or `medium verification FAILED: FILE: REASON` and stops.
/// </summary>
public static class MediumSelfCheck
{
    /// <summary>The first line of a successful check (tests and the VM tests expect it).</summary>
    public const string VerifiedPrefix = "medium verified: ";

    /// <summary>The first line of a failed check.</summary>
    public const string FailedPrefix = "medium verification FAILED: ";

    /// <summary>Checks <paramref name="medium"/> with <paramref name="keyFile"/>; on failure prints the line and throws <see cref="InstallerStopException"/>.</summary>
    public static async Task<MediumVerification> RunAsync(string medium, string keyFile, InstallerConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        OpenPgpKeyRing keys;
        try
        {
            keys = OpenPgpKeyRing.Load(keyFile);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or KeelException)
        {
            throw Fail(console, keyFile, ex.Message);
        }

        var clock = Stopwatch.StartNew();
        int lastTenth = -1;
        var progress = new SynchronousProgress<VerifyProgress>(p =>
        {
            int tenth = p.BytesTotal == 0 ? 10 : (int)(p.BytesDone * 10 / p.BytesTotal);
            if (tenth <= lastTenth)
            {
                return;
            }

            lastTenth = tenth;
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            console.Say(string.Create(CultureInfo.InvariantCulture,
                $"verifying the medium: {tenth * 10}% ({p.BytesDone / 1_000_000} of {p.BytesTotal / 1_000_000} MB, {p.BytesDone / 1_000_000.0 / seconds:F0} MB/s)"));
        });

        try
        {
            var result = await MediumVerifier.VerifyAsync(medium, keys, progress, cancellationToken).ConfigureAwait(false);
            console.Say($"{VerifiedPrefix}{result.Files} files, signed by {result.KeyId.ToUpperInvariant()}");
            foreach (var custom in result.CustomFiles)
            {
                console.Say($"medium customization (not covered by the signature): {custom}");
            }

            return result;
        }
        catch (KeelException ex)
        {
            throw Fail(console, ex.Input, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw Fail(console, medium, ex.Message);
        }
    }

    private static InstallerStopException Fail(InstallerConsole console, string input, string message)
    {
        // The messages start with the file they are about; said once.
        var reason = message.StartsWith(input + ": ", StringComparison.Ordinal) ? message[(input.Length + 2)..] : message;
        console.Say($"{FailedPrefix}{input}: {reason}");
        console.Say("nothing was written to any disk");
        return new InstallerStopException(ExitCodes.Failed);
    }

    // Progress<T> posts to the thread pool; the lines must come out in order, on the verifying thread.
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>The installer stopped at a stage that has already said why on the console; carries the exit code.</summary>
public sealed class InstallerStopException(int exitCode) : Exception($"the installer stopped (exit {exitCode})")
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
