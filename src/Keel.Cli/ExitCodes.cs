namespace Keel.Cli;

/// <summary>The process exit codes every keel command uses (listed in --help).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation ran and failed: unsatisfiable request, bad signature, corrupt or unreadable input.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong, or the input uses a feature Keel does not read.</summary>
    public const int InvalidUsage = 2;

    public const int Interrupted = 130;
}
