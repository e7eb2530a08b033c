namespace Keel.Installer.Service.Session;

/// <summary>A request the session refuses: <see cref="StatusCode"/> 400 (bad input), 404 (unknown package or disk) or 409 (wrong phase, stale plan).</summary>
public sealed class InstallerServiceException : Exception
{
    public InstallerServiceException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    public InstallerServiceException()
    {
    }

    public InstallerServiceException(string message)
        : base(message)
    {
    }

    public InstallerServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status the service answers with.</summary>
    public int StatusCode { get; } = 400;

    /// <summary>400: the input is wrong.</summary>
    public static InstallerServiceException BadInput(string message) => new(400, message);

    /// <summary>404: no such package or disk.</summary>
    public static InstallerServiceException NotFound(string message) => new(404, message);

    /// <summary>409: not now (wrong phase, the plan changed).</summary>
    public static InstallerServiceException Conflict(string message) => new(409, message);
}
