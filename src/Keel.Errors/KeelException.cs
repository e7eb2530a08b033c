namespace Keel.Errors;

/// <summary>
/// A failure Keel expects and explains: a stable reason code, the input it concerns (file, URL, package, device, step),
/// a one-line message that starts with that input, and an optional hint for how to fix it.
/// </summary>
public class KeelException : Exception
{
    public KeelException(string reason, string input, string message, string? hint = null, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        Input = input;
        Hint = hint;
    }

    /// <summary>One of <see cref="ReasonCodes"/>.</summary>
    public string Reason { get; }

    /// <summary>What the failure is about: a path, URL, package, device or config key; empty when nothing in particular.</summary>
    public string Input { get; }

    /// <summary>How to fix it, for people; null when the message says it all.</summary>
    public string? Hint { get; }

    /// <summary>The process exit code this failure ends a command with (see <see cref="ExitCodes"/>).</summary>
    public virtual int ExitCode => ExitCodes.Failed;
}

/// <summary>The input uses a feature Keel does not support, or the command line is wrong: exit code 2.</summary>
public class UnsupportedInputException(string input, string message, string? hint = null, Exception? inner = null)
    : KeelException(ReasonCodes.Unsupported, input, message, hint, inner)
{
    public override int ExitCode => ExitCodes.Usage;
}

/// <summary>A signature check failed: missing, bad, untrusted, expired or revoked key, refused algorithm.</summary>
public class SignatureException(string input, string message, string? hint = null, Exception? inner = null)
    : KeelException(ReasonCodes.SignatureInvalid, input, message, hint, inner);

/// <summary>A repository, key or remote include could not be reached or answered with an error.</summary>
public class SourceUnreachableException(string input, string message, string? hint = null, Exception? inner = null)
    : KeelException(ReasonCodes.RepositoryUnreachable, input, message, hint, inner);

/// <summary>A write or read would leave the target root or follow a link the target's users control.</summary>
public class UnsafePathException(string input, string message, Exception? inner = null)
    : KeelException(ReasonCodes.UnsafePath, input, message, null, inner);

/// <summary>Input exceeded a size or count limit; it is refused while reading, before it can exhaust memory.</summary>
public class LimitExceededException(string input, string message, string? hint = null, Exception? inner = null)
    : KeelException(ReasonCodes.LimitExceeded, input, message, hint, inner);
