namespace Keel.Repository.Sources;

/// <summary>Timeouts and retry policy for HTTP repositories.</summary>
public sealed record HttpOptions
{
    /// <summary>How long to wait for a connection and for response headers.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a body may stall (no bytes) before the transfer is abandoned.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per file, counting the first; only 5xx, 408, 429, timeouts and connection failures are retried.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Delay before the first retry; it doubles for each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);
}
