namespace Keel.OpenPgp;

/// <summary>What a signature says about itself (version, algorithms, issuer), read without any key.</summary>
public sealed record OpenPgpSignatureInfo(int Version, string? KeyId, string? IssuerFingerprint, string Algorithm, string HashAlgorithm)
{
    /// <summary>Reads every signature packet of armored or binary signature data.</summary>
    /// <exception cref="InvalidDataException">The data is not an OpenPGP signature.</exception>
    public static IReadOnlyList<OpenPgpSignatureInfo> Read(ReadOnlySpan<byte> signature, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        var binary = Armor.Decode(signature, sourceName);
        var result = new List<OpenPgpSignatureInfo>();
        foreach (var packet in Packets.Split(binary, sourceName).Where(p => p.Tag == Packets.TagSignature))
        {
            SignaturePacketInfo info;
            try
            {
                info = SignaturePacketInfo.Parse(binary.AsSpan(packet.BodyStart, packet.BodyLength));
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{sourceName}: {e.Message}");
            }

            result.Add(new OpenPgpSignatureInfo(info.Version, info.IssuerKeyId, info.IssuerFingerprint, info.AlgorithmName, HashName(info.HashAlgorithm)));
        }

        if (result.Count == 0)
        {
            throw new InvalidDataException($"{sourceName}: no OpenPGP signature packet found");
        }

        return result;
    }

    /// <summary>The name gpg and rpm print for an OpenPGP hash algorithm id.</summary>
    public static string HashName(int id) => id switch
    {
        1 => "MD5",
        2 => "SHA1",
        3 => "RIPEMD160",
        8 => "SHA256",
        9 => "SHA384",
        10 => "SHA512",
        11 => "SHA224",
        12 => "SHA3-256",
        14 => "SHA3-512",
        _ => $"hash {id}",
    };
}
