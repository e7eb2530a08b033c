using System.Buffers.Binary;

namespace Keel.OpenPgp;

/// <summary>The fields of a signature packet Keel needs before any cryptography: version, algorithms and issuer.</summary>
internal sealed record SignaturePacketInfo(int Version, int SignatureType, int PublicKeyAlgorithm, int HashAlgorithm, string? IssuerKeyId, string? IssuerFingerprint)
{
    private const int SubpacketIssuer = 16;
    private const int SubpacketIssuerFingerprint = 33;

    public string AlgorithmName => AlgorithmNames.Of(PublicKeyAlgorithm);

    /// <summary>Reads a signature packet body (RFC 9580 §5.2) for versions 3, 4, 5 and 6; throws InvalidDataException when malformed.</summary>
    public static SignaturePacketInfo Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length < 1)
        {
            throw new InvalidDataException("empty signature packet");
        }

        int version = body[0];
        switch (version)
        {
            case 2:
            case 3:
                if (body.Length < 19 || body[1] != 5)
                {
                    throw new InvalidDataException("v3 signature packet is truncated");
                }

                return new SignaturePacketInfo(version, body[2], body[15], body[16], Convert.ToHexStringLower(body.Slice(7, 8)), null);
            case 4:
            case 5:
            case 6:
                return ParseModern(body, version);
            default:
                throw new InvalidDataException($"unknown signature packet version {version}");
        }
    }

    private static SignaturePacketInfo ParseModern(ReadOnlySpan<byte> body, int version)
    {
        int countSize = version == 4 ? 2 : 4;
        if (body.Length < 4 + countSize)
        {
            throw new InvalidDataException($"v{version} signature packet is truncated");
        }

        int type = body[1], pk = body[2], hash = body[3];
        int pos = 4;
        string? keyId = null, fingerprint = null;
        for (int area = 0; area < 2; area++)
        {
            if (body.Length - pos < countSize)
            {
                throw new InvalidDataException($"v{version} signature packet is truncated");
            }

            long len = countSize == 2 ? BinaryPrimitives.ReadUInt16BigEndian(body[pos..]) : BinaryPrimitives.ReadUInt32BigEndian(body[pos..]);
            pos += countSize;
            if (len > body.Length - pos)
            {
                throw new InvalidDataException($"v{version} signature subpacket area is longer than the packet");
            }

            ReadSubpackets(body.Slice(pos, (int)len), ref keyId, ref fingerprint);
            pos += (int)len;
        }

        if (keyId is null && fingerprint is not null)
        {
            // v4 key ids are the low 64 bits of the fingerprint, v6 the high 64 bits.
            keyId = fingerprint.Length == 40 ? fingerprint[24..] : fingerprint[..16];
        }

        return new SignaturePacketInfo(version, type, pk, hash, keyId, fingerprint);
    }

    private static void ReadSubpackets(ReadOnlySpan<byte> area, ref string? keyId, ref string? fingerprint)
    {
        int pos = 0;
        while (pos < area.Length)
        {
            int o1 = area[pos++];
            long len;
            if (o1 < 192)
            {
                len = o1;
            }
            else if (o1 < 255)
            {
                if (pos >= area.Length)
                {
                    throw new InvalidDataException("signature subpacket length is truncated");
                }

                len = ((o1 - 192) << 8) + area[pos++] + 192;
            }
            else
            {
                if (area.Length - pos < 4)
                {
                    throw new InvalidDataException("signature subpacket length is truncated");
                }

                len = BinaryPrimitives.ReadUInt32BigEndian(area[pos..]);
                pos += 4;
            }

            if (len < 1 || len > area.Length - pos)
            {
                throw new InvalidDataException("signature subpacket is longer than its area");
            }

            int type = area[pos] & 0x7f;
            var data = area.Slice(pos + 1, (int)len - 1);
            if (type == SubpacketIssuer && data.Length == 8)
            {
                keyId ??= Convert.ToHexStringLower(data);
            }
            else if (type == SubpacketIssuerFingerprint && data.Length is 21 or 33)
            {
                fingerprint ??= Convert.ToHexStringLower(data[1..]);
            }

            pos += (int)len;
        }
    }
}

/// <summary>Names of OpenPGP public-key algorithm ids as rpm and gpg print them.</summary>
internal static class AlgorithmNames
{
    public static string Of(int id) => id switch
    {
        1 or 2 or 3 => "RSA",
        16 or 20 => "ElGamal",
        17 => "DSA",
        18 => "ECDH",
        19 => "ECDSA",
        22 => "EdDSA",
        25 => "X25519",
        26 => "X448",
        27 => "Ed25519",
        28 => "Ed448",
        _ => $"algorithm {id}",
    };
}
