namespace Keel.Installer.Api;

/// <summary>The service refused a request (<see cref="StatusCode"/>) or could not be reached (0); the message is the service's one line.</summary>
public sealed class InstallerApiException : Exception
{
    public InstallerApiException(int statusCode, string message, Exception? inner = null)
        : base(message, inner) => StatusCode = statusCode;

    public InstallerApiException()
    {
    }

    public InstallerApiException(string message)
        : base(message)
    {
    }

    public InstallerApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status; 0 when the service did not answer.</summary>
    public int StatusCode { get; }
}
