using Keel.Errors;

namespace Keel.Cli;

/// <summary>keel's view of the shared error mapping (<see cref="ExitCodes"/>), kept as one call site for the commands.</summary>
internal static class CliErrors
{
    public static bool IsExpected(Exception ex) => ExitCodes.IsExpected(ex);

    public static string Describe(Exception ex) => ExitCodes.Describe(ex);

    public static int ExitCodeFor(Exception ex) => ExitCodes.For(ex);
}
