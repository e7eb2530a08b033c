namespace Keel.Rpm;

/// <summary>Outcome of one digest or signature check, spelled as rpm -K prints it.</summary>
public enum RpmCheckStatus
{
    Ok,
    Bad,
    NoKey,
    Unsupported,
}

/// <summary>What a check covers.</summary>
public enum RpmCheckScope
{
    /// <summary>The main header only (header digests, RSAHEADER/DSAHEADER/OPENPGP signatures).</summary>
    Header,

    /// <summary>The compressed payload only (PAYLOADDIGEST).</summary>
    Payload,

    /// <summary>Main header and payload together (MD5, PGP/GPG signatures).</summary>
    HeaderAndPayload,
}

/// <summary>One line of a package check, e.g. "Header SHA256 digest: OK".</summary>
public sealed record RpmCheck(string Name, RpmCheckScope Scope, bool IsSignature, RpmCheckStatus Status, string Detail, string? KeyId = null)
{
    public string StatusText => Status switch
    {
        RpmCheckStatus.Ok => "OK",
        RpmCheckStatus.Bad => "BAD",
        RpmCheckStatus.NoKey => "NOKEY",
        _ => "UNSUPPORTED",
    };

    public override string ToString() => Detail.Length == 0 ? $"{Name}: {StatusText}" : $"{Name}: {StatusText} ({Detail})";
}

/// <summary>All checks of one package file.</summary>
public sealed record RpmVerification(string SourceName, IReadOnlyList<RpmCheck> Checks)
{
    /// <summary>True when no check failed and every signature's key was found.</summary>
    public bool AllOk => Checks.All(c => c.Status == RpmCheckStatus.Ok);

    public bool AnyBad => Checks.Any(c => c.Status == RpmCheckStatus.Bad);

    /// <summary>True when at least one signature was checked and is good.</summary>
    public bool HasGoodSignature => Checks.Any(c => c.IsSignature && c.Status == RpmCheckStatus.Ok);
}
