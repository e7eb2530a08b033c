namespace Keel.Install;

/// <summary>Stable reason codes of step-failed events; programs key on these, never on messages.</summary>
public static class ReasonCodes
{
    public const string RepositoryUnreachable = "repository-unreachable";
    public const string SignatureInvalid = "signature-invalid";
    public const string Failed = "failed";

    /// <summary>The code for an exception: its own when it is a <see cref="KeelException"/>, else one derived from its type.</summary>
    public static string For(Exception exception) => exception switch
    {
        KeelException k => k.Reason,
        HttpRequestException or System.Net.Sockets.SocketException => RepositoryUnreachable,
        Keel.Repository.Sources.RepositoryFileNotFoundException => RepositoryUnreachable,
        _ when exception.Message.Contains("signature check failed", StringComparison.Ordinal) => SignatureInvalid,
        _ => Failed,
    };
}

/// <summary>A failure with a reason code, the input it concerns and an optional hint for how to fix it.</summary>
public sealed class KeelException(string reason, string input, string message, string? hint = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Reason { get; } = reason;

    public string Input { get; } = input;

    public string? Hint { get; } = hint;
}
