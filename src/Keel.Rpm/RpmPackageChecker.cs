using System.Security.Cryptography;
using Keel.Compression;
using Keel.OpenPgp;

namespace Keel.Rpm;

/// <summary>
/// Checks an RPM file's digests and OpenPGP signatures the way rpm -K does, reading the file once
/// (twice only when it carries two whole-package signatures).
/// </summary>
public static class RpmPackageChecker
{
    /// <summary>Runs every check the package supports; <paramref name="keys"/> null means no trusted keys (signatures report NOKEY).</summary>
    /// <exception cref="InvalidDataException">The file is not a readable RPM (truncated headers, bad magic...).</exception>
    public static RpmVerification Verify(string path, OpenPgpKeyRing? keys)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = RpmPackageReader.Open(path);
        var checks = new List<RpmCheck>();
        var sig = reader.Signature;
        var header = reader.Header;
        var headerImage = header.Image;

        foreach (var (tag, bytes) in HeaderSignatures(sig, path))
        {
            checks.Add(CheckSignature(keys, bytes, headerOnly: true, tag, s => s.VerifyDetached(headerImage.Span, bytes)));
        }

        if (CheckHexDigest(sig.GetString(RpmSignatureTags.Sha256Header), 8, "Header SHA256 digest", RpmCheckScope.Header, headerImage.Span) is { } sha256)
        {
            checks.Add(sha256);
        }

        if (CheckHexDigest(sig.GetString(RpmSignatureTags.Sha1Header), 2, "Header SHA1 digest", RpmCheckScope.Header, headerImage.Span) is { } sha1)
        {
            checks.Add(sha1);
        }

        // Payload digest, MD5 and the first whole-package signature share one pass over the payload.
        int payloadAlgo = (int)(header.GetNumber(RpmTags.PayloadDigestAlgo) ?? RpmDigests.Sha256);
        var payloadExpected = header.GetString(RpmTags.PayloadDigest);
        using var payloadHash = payloadExpected is null ? null : RpmDigests.Create(payloadAlgo);
        var md5Expected = sig.GetBytes(RpmSignatureTags.Md5);
        using var md5 = md5Expected is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5?.AppendData(headerImage.Span);

        var packageSigs = PackageSignatures(sig).ToList();
        var packageChecks = new List<RpmCheck>();
        using (var raw = reader.OpenRawPayload())
        {
            // The payload is as long as the file; the cap is the caller's file size, not a guess here.
            var hashing = new HashingStream(raw, path, long.MaxValue, leaveOpen: true, payloadHash, md5);
            if (packageSigs.Count > 0)
            {
                var (tag, bytes) = packageSigs[0];
                packageChecks.Add(CheckSignature(keys, bytes, headerOnly: false, tag, s => s.VerifyDetached(new PrefixedStream(headerImage, hashing, leaveOpen: true), bytes)));
            }

            hashing.CopyTo(Stream.Null);
        }

        foreach (var (tag, bytes) in packageSigs.Skip(1))
        {
            packageChecks.Add(CheckSignature(keys, bytes, headerOnly: false, tag, s =>
            {
                using var again = RpmPackageReader.Open(path);
                using var payload = again.OpenRawPayload();
                return s.VerifyDetached(new PrefixedStream(again.Header.Image, payload, leaveOpen: true), bytes);
            }));
        }

        if (payloadExpected is not null)
        {
            var name = $"Payload {RpmDigests.Name(payloadAlgo)} digest";
            checks.Add(payloadHash is null
                ? new RpmCheck(name, RpmCheckScope.Payload, false, RpmCheckStatus.Unsupported, "digest algorithm not available")
                : Compare(name, RpmCheckScope.Payload, payloadExpected, Convert.ToHexStringLower(payloadHash.GetHashAndReset())));
        }

        checks.AddRange(packageChecks);
        if (md5Expected is not null && md5 is not null)
        {
            checks.Add(Compare("MD5 digest", RpmCheckScope.HeaderAndPayload, Convert.ToHexStringLower(md5Expected), Convert.ToHexStringLower(md5.GetHashAndReset())));
        }

        return new RpmVerification(path, checks);
    }

    /// <summary>Key ids (16 hex digits) of every OpenPGP signature in a signature header, in check order.</summary>
    public static IReadOnlyList<string> SignatureKeyIds(RpmHeader signatureHeader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(signatureHeader);
        var ids = new List<string>();
        foreach (var (_, bytes) in HeaderSignatures(signatureHeader, sourceName).Concat(PackageSignatures(signatureHeader)))
        {
            try
            {
                ids.AddRange(OpenPgpSignatureInfo.Read(bytes, sourceName).Select(i => i.KeyId).OfType<string>());
            }
            catch (InvalidDataException)
            {
                // An unreadable signature has no key id to list; Verify reports it as BAD.
            }
        }

        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<(int Tag, byte[] Bytes)> HeaderSignatures(RpmHeader sig, string sourceName)
    {
        var legacy = new List<byte[]>();
        foreach (var tag in new[] { RpmSignatureTags.RsaHeader, RpmSignatureTags.DsaHeader })
        {
            if (sig.GetBytes(tag) is { } bytes)
            {
                legacy.Add(bytes);
                yield return (tag, bytes);
            }
        }

        // rpm 6 keeps any number of signatures, base64-encoded, in one string array.
        foreach (var text in sig.GetStrings(RpmSignatureTags.OpenPgp))
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"{sourceName}: OPENPGP signature tag holds text that is not base64");
            }

            // rpm 6 repeats its first signature in RSAHEADER for older rpm; check each signature once.
            if (!legacy.Any(l => l.AsSpan().SequenceEqual(bytes)))
            {
                yield return (RpmSignatureTags.OpenPgp, bytes);
            }
        }
    }

    private static IEnumerable<(int Tag, byte[] Bytes)> PackageSignatures(RpmHeader sig)
    {
        foreach (var tag in new[] { RpmSignatureTags.Pgp, RpmSignatureTags.Gpg })
        {
            if (sig.GetBytes(tag) is { } bytes)
            {
                yield return (tag, bytes);
            }
        }
    }

    private static RpmCheck CheckSignature(OpenPgpKeyRing? keys, byte[] bytes, bool headerOnly, int tag, Func<OpenPgpKeyRing, SignatureCheck> verify)
    {
        var scope = headerOnly ? RpmCheckScope.Header : RpmCheckScope.HeaderAndPayload;
        OpenPgpSignatureInfo info;
        try
        {
            info = OpenPgpSignatureInfo.Read(bytes, $"signature tag {tag}")[0];
        }
        catch (InvalidDataException e)
        {
            return new RpmCheck((headerOnly ? "Header " : string.Empty) + "OpenPGP signature", scope, true, RpmCheckStatus.Bad, e.Message);
        }

        var shortId = info.KeyId is null ? "unknown" : info.KeyId[^8..];
        var name = $"{(headerOnly ? "Header " : string.Empty)}V{info.Version} {info.Algorithm}/{info.HashAlgorithm} Signature, key ID {shortId}";
        if (keys is null)
        {
            return new RpmCheck(name, scope, true, RpmCheckStatus.NoKey, string.Empty, info.KeyId);
        }

        var result = verify(keys);
        var status = result.Status switch
        {
            SignatureStatus.Good => RpmCheckStatus.Ok,
            SignatureStatus.UnknownKey => RpmCheckStatus.NoKey,
            SignatureStatus.Unsupported => RpmCheckStatus.Unsupported,
            _ => RpmCheckStatus.Bad,
        };
        var detail = status is RpmCheckStatus.Ok or RpmCheckStatus.NoKey ? string.Empty : result.Detail;
        return new RpmCheck(name, scope, true, status, detail, info.KeyId);
    }

    private static RpmCheck? CheckHexDigest(string? expected, int algo, string name, RpmCheckScope scope, ReadOnlySpan<byte> data)
    {
        if (expected is null)
        {
            return null;
        }

        using var hash = RpmDigests.Create(algo)!;
        hash.AppendData(data);
        return Compare(name, scope, expected, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static RpmCheck Compare(string name, RpmCheckScope scope, string expected, string actual) =>
        string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)
            ? new RpmCheck(name, scope, false, RpmCheckStatus.Ok, string.Empty)
            : new RpmCheck(name, scope, false, RpmCheckStatus.Bad, $"Expected {expected} != {actual}");
}
