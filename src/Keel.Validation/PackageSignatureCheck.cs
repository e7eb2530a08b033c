using System.Security.Cryptography;
using Keel.OpenPgp;
using Keel.Rpm;
using Keel.RpmDb;

namespace Keel.Validation;

/// <summary>
/// Every installed package is signed by a key the release trusts: the header signatures rpm kept in the rpmdb
/// (RSAHEADER, DSAHEADER, rpm 6 OPENPGP) are verified again over the header's immutable region, whose SHA-256 must
/// also equal the SHA256HEADER recorded beside it. A package installed with --nosignature from an unsigned or
/// foreign-signed file fails here, named.
/// </summary>
internal static class PackageSignatureCheck
{
    public const string Id = "packages.signature";

    public static IEnumerable<ValidationResult> Run(IReadOnlyList<InstalledPackage> packages, TrustedKeys keys)
    {
        var results = new List<ValidationResult>();
        int good = 0;
        foreach (var package in packages)
        {
            if (package.Metadata.Name == "gpg-pubkey")
            {
                continue;
            }

            var problem = Problem(package, keys.Ring);
            if (problem is null)
            {
                good++;
            }
            else
            {
                results.Add(new ValidationResult(Id, ValidationStatus.Fail, package.Metadata.Nevra, problem));
            }
        }

        if (results.Count == 0)
        {
            results.Add(new ValidationResult(Id, ValidationStatus.Pass, string.Empty, $"{good} packages signed by {keys.Source}"));
        }

        return results;
    }

    /// <summary>Null when a header signature by a trusted key is good; otherwise why not, in one line.</summary>
    internal static string? Problem(InstalledPackage package, OpenPgpKeyRing? ring)
    {
        byte[]? region;
        try
        {
            region = ImmutableHeaderRegion.Extract(package.Header);
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }

        if (region is null)
        {
            return "the rpmdb header has no immutable region, so no signature can be checked";
        }

        var recorded = package.Header.GetString(RpmSignatureTags.Sha256Header);
        if (recorded is not null && !string.Equals(recorded, Convert.ToHexStringLower(SHA256.HashData(region)), StringComparison.OrdinalIgnoreCase))
        {
            return "the header's SHA256HEADER does not match its immutable region (the rpmdb entry was altered)";
        }

        var signatures = Signatures(package.Header).ToList();
        if (signatures.Count == 0)
        {
            return "not signed (installed without signature checking?)";
        }

        if (ring is null)
        {
            return "no trusted keys to check its signature against";
        }

        var outcomes = new List<string>();
        foreach (var signature in signatures)
        {
            var check = ring.VerifyDetached(region, signature);
            if (check.IsValid)
            {
                return null;
            }

            outcomes.Add(check.Status switch
            {
                SignatureStatus.UnknownKey => $"signed by key {check.KeyId ?? "?"}, which the release does not trust",
                SignatureStatus.Bad => $"bad signature by key {check.KeyId ?? "?"} ({check.Detail})",
                _ => $"signature not checkable: {check.Detail}",
            });
        }

        return string.Join("; ", outcomes.Distinct());
    }

    private static IEnumerable<byte[]> Signatures(RpmHeader header)
    {
        foreach (var tag in new[] { RpmSignatureTags.RsaHeader, RpmSignatureTags.DsaHeader })
        {
            if (header.GetBytes(tag) is { } bytes)
            {
                yield return bytes;
            }
        }

        foreach (var text in header.GetStrings(RpmSignatureTags.OpenPgp))
        {
            byte[]? bytes = null;
            try
            {
                bytes = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                // An undecodable entry is no signature; the package fails unless another one is good.
            }

            if (bytes is not null)
            {
                yield return bytes;
            }
        }
    }
}
