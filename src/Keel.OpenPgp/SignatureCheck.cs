namespace Keel.OpenPgp;

/// <summary>The outcome of checking one OpenPGP signature.</summary>
public enum SignatureStatus
{
    /// <summary>The signature is cryptographically valid and made by a key in the ring.</summary>
    Good,

    /// <summary>The signing key is known but the signature does not match the data.</summary>
    Bad,

    /// <summary>The signature names a key that is not in the ring.</summary>
    UnknownKey,

    /// <summary>The signature or its key uses a version or algorithm that cannot be checked.</summary>
    Unsupported,

    /// <summary>The signature could not be parsed.</summary>
    Malformed,
}

/// <summary>Result of a signature check: status, issuing key id (16 lower-case hex digits), algorithm and a one-line detail.</summary>
public sealed record SignatureCheck(SignatureStatus Status, string? KeyId, string? Algorithm, string Detail)
{
    /// <summary>True only for <see cref="SignatureStatus.Good"/>.</summary>
    public bool IsValid => Status == SignatureStatus.Good;
}
