namespace Keel.Errors;

/// <summary>
/// Stable reason codes: the `reason` of a step-failed event and of every <see cref="KeelException"/>. Programs key on
/// these, never on messages; docs/errors.md lists them.
/// </summary>
public static class ReasonCodes
{
    /// <summary>The operation failed for a reason no more specific code names.</summary>
    public const string Failed = "failed";

    /// <summary>The command line was wrong.</summary>
    public const string Usage = "usage";

    /// <summary>The input asks for something Keel deliberately does not do (yet); named in the message.</summary>
    public const string Unsupported = "unsupported";

    /// <summary>An input file is malformed or inconsistent.</summary>
    public const string InvalidInput = "invalid-input";

    /// <summary>A repository, key or include could not be reached.</summary>
    public const string RepositoryUnreachable = "repository-unreachable";

    /// <summary>A signature is missing, invalid, made by an untrusted, expired or revoked key, or uses a refused algorithm.</summary>
    public const string SignatureInvalid = "signature-invalid";

    /// <summary>A checksum or digest does not match.</summary>
    public const string DigestMismatch = "digest-mismatch";

    /// <summary>Repository metadata is older than what was seen before, or older than the allowed age.</summary>
    public const string MetadataStale = "metadata-stale";

    /// <summary>No set of packages satisfies the request.</summary>
    public const string Unsatisfiable = "unsatisfiable";

    /// <summary>The install target (disk, image path, root) is refused: mounted, in use, too small, not empty, ...</summary>
    public const string TargetRefused = "target-refused";

    /// <summary>The config or the target changed since the plan the user confirmed was made.</summary>
    public const string PlanStale = "plan-stale";

    /// <summary>A host tool (rpm, mkfs, sgdisk, ...) could not be started or exited non-zero.</summary>
    public const string ToolFailed = "tool-failed";

    /// <summary>A path would leave the target root, or a link the target's users control would be followed.</summary>
    public const string UnsafePath = "unsafe-path";

    /// <summary>Input exceeded a size or count limit (alias bombs, huge attributes, endless includes).</summary>
    public const string LimitExceeded = "limit-exceeded";

    /// <summary>The run was interrupted (SIGINT/SIGTERM).</summary>
    public const string Interrupted = "interrupted";
}
