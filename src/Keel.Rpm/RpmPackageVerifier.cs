using Keel.Errors;
using Keel.OpenPgp;
using Keel.Packaging;

namespace Keel.Rpm;

/// <summary>
/// The package layer's check of a downloaded RPM: no digest or signature may be bad, a good signature by a trusted
/// key is required when <c>requireSignature</c> is set, and the header's NEVRA must be the one expected.
/// </summary>
public sealed class RpmPackageVerifier(OpenPgpKeyRing? keys, bool requireSignature) : IPackageVerifier
{
    public void Verify(string path, PackageMetadata expected)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(expected);
        var result = RpmPackageChecker.Verify(path, keys);
        // A bad digest means damaged bytes and stays an InvalidDataException; a bad signature over intact digests is a
        // signature failure, typed so callers key on it rather than on the message.
        if (result.Checks.FirstOrDefault(c => c.Status == RpmCheckStatus.Bad && !c.IsSignature) is { } bad)
        {
            throw new InvalidDataException($"{path}: {bad}");
        }

        if (result.Checks.FirstOrDefault(c => c.Status == RpmCheckStatus.Bad && c.IsSignature) is { } badSignature)
        {
            throw new SignatureException(path, $"{path}: {badSignature}{KeyText(badSignature)}");
        }

        bool headerCovered = result.Checks.Any(c => c.Scope == RpmCheckScope.Header && c.Status == RpmCheckStatus.Ok);
        bool payloadCovered = result.Checks.Any(c => c.Scope is RpmCheckScope.Payload or RpmCheckScope.HeaderAndPayload && !c.IsSignature && c.Status == RpmCheckStatus.Ok);
        if (!headerCovered || !payloadCovered)
        {
            throw new InvalidDataException($"{path}: package carries no usable {(headerCovered ? "payload" : "header")} digest");
        }

        if (requireSignature && !result.HasGoodSignature)
        {
            var sigs = result.Checks.Where(c => c.IsSignature).ToList();
            var why = sigs.Count == 0 ? "the package is not signed" : string.Join("; ", sigs.Select(c => c + KeyText(c)));
            throw new SignatureException(path, $"{path}: no good signature by a trusted key ({why})");
        }

        using var reader = RpmPackageReader.Open(path);
        var h = reader.Header;
        var name = h.GetString(RpmTags.Name);
        var evr = h.GetEvr();
        var arch = h.GetArch();
        bool same = name == expected.Name && arch == expected.Arch
            && evr.EpochNumber == expected.Evr.EpochNumber
            && evr.Version == expected.Evr.Version
            && evr.Release == expected.Evr.Release;
        if (!same)
        {
            throw new InvalidDataException($"{path}: header says {name}-{evr}.{arch}, expected {expected.Nevra}");
        }
    }

    // rpm's check names carry the short key id ("key ID 1964c5fc"); the full id is added when the name lacks it.
    private static string KeyText(RpmCheck check) =>
        check.KeyId is { } id && !check.Name.Contains(id, StringComparison.OrdinalIgnoreCase) && !check.Detail.Contains(id, StringComparison.OrdinalIgnoreCase) ? $" [key {id}]" : string.Empty;
}
