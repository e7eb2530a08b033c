using System.Security.Cryptography;

namespace Keel.Cli;

/// <summary>Maps the exceptions that mean "bad input or environment" to one-line messages; anything else is a bug and keeps its stack trace.</summary>
internal static class CliErrors
{
    public static bool IsExpected(Exception ex) => ex is InvalidDataException or FormatException or IOException
        or UnauthorizedAccessException or HttpRequestException or CryptographicException or NotSupportedException
        or TimeoutException or ArgumentException or AggregateException { InnerExceptions.Count: 1 };

    public static string Describe(Exception ex) => ex switch
    {
        AggregateException { InnerExceptions.Count: 1 } agg => Describe(agg.InnerExceptions[0]),
        _ => ex.Message.ReplaceLineEndings(" "),
    };

    public static int ExitCodeFor(Exception ex) => ex is NotSupportedException ? ExitCodes.InvalidUsage : ExitCodes.Failed;
}
