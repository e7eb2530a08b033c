namespace Keel.Processes;

/// <summary>How <see cref="ToolRunner"/> runs a tool beyond its arguments; the defaults suit short-lived host tools.</summary>
public sealed record ToolOptions
{
    /// <summary>Variables set on top of the inherited environment (after LC_ALL=C and TZ=UTC, so they may override those).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>
    /// Run in the C locale and UTC (the default), so the output Keel parses is the same on every host; false for programs
    /// that act for the machine (a user's scripts, the package manager, shutdown) and see its own locale and time zone.
    /// </summary>
    public bool NeutralLocale { get; init; } = true;

    /// <summary>The tool's working directory; null keeps Keel's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Text written to the tool's stdin before it is closed; null closes stdin at once.</summary>
    public string? Input { get; init; }

    /// <summary>How long the tool may run before its process tree is killed and TimeoutException thrown; null waits.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Most characters kept of stdout and of stderr each; the rest is read and dropped, so a chatty tool cannot exhaust memory.</summary>
    public int? OutputLimit { get; init; }

    /// <summary>Return a non-zero exit status in the result instead of throwing.</summary>
    public bool AllowFailure { get; init; }

    /// <summary>The Debian package that brings the tool, named in the error when it cannot be started.</summary>
    public string? DebianPackage { get; init; }
}
