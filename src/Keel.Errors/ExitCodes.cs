using System.Net.Http;
using System.Security.Cryptography;

namespace Keel.Errors;

/// <summary>
/// The process exit codes of every Keel program (keel, keel-agent, the installer), and the one mapping from exceptions
/// to them. docs/errors.md is the documentation.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The operation ran and failed: unsatisfiable, bad signature, corrupt, unreachable or refused input.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong, or the input uses a feature Keel does not support.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by SIGINT/SIGTERM; held resources were released.</summary>
    public const int Interrupted = 130;

    /// <summary>The one-line text for --help.</summary>
    public const string HelpText = "Exit codes: 0 ok, 1 failed (unsatisfiable, bad signature, bad or refused input), 2 usage error or unsupported input, 130 interrupted.";

    /// <summary>
    /// True for failures that mean "bad input or environment" and get a one-line message; anything else is a bug and
    /// keeps its stack trace.
    /// </summary>
    public static bool IsExpected(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsExpected(aggregate.InnerExceptions[0]),
        KeelException or InvalidDataException or FormatException or IOException or UnauthorizedAccessException
            or HttpRequestException or CryptographicException or NotSupportedException or TimeoutException
            or ArgumentException or OperationCanceledException => true,
        _ => false,
    };

    /// <summary>The exit code for an expected failure.</summary>
    public static int For(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => For(aggregate.InnerExceptions[0]),
        KeelException keel => keel.ExitCode,
        NotSupportedException => Usage,
        OperationCanceledException => Interrupted,
        _ => Failed,
    };

    /// <summary>The reason code for any exception: its own for a <see cref="KeelException"/>, else one derived from its type.</summary>
    public static string ReasonFor(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => ReasonFor(aggregate.InnerExceptions[0]),
        KeelException keel => keel.Reason,
        HttpRequestException or System.Net.Sockets.SocketException => ReasonCodes.RepositoryUnreachable,
        NotSupportedException => ReasonCodes.Unsupported,
        OperationCanceledException => ReasonCodes.Interrupted,
        InvalidDataException or FormatException => ReasonCodes.InvalidInput,
        _ => ReasonCodes.Failed,
    };

    /// <summary>The message on one line (the innermost of a single-exception AggregateException).</summary>
    public static string Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        KeelException { Hint: { } hint } keel when !keel.Message.Contains(hint, StringComparison.Ordinal) => $"{OneLine(keel.Message)} ({OneLine(hint)})",
        _ => OneLine(exception.Message),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
