using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Keel.OpenPgp;

/// <summary>A set of OpenPGP public keys (primary keys and subkeys) used to check detached signatures.</summary>
public sealed class OpenPgpKeyRing
{
    /// <summary>Signature-file size cap: a detached signature is a few hundred bytes, keep a wide margin.</summary>
    private const int MaxSignatureBytes = 1 << 20;

    private const int MaxKeyFileBytes = 64 << 20;

    private readonly Dictionary<string, KeyEntry> _keys;

    private OpenPgpKeyRing(Dictionary<string, KeyEntry> keys)
    {
        _keys = keys;
        KeyIds = [.. keys.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Key ids (16 lower-case hex digits) of every primary key and subkey, usable or not.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>Key ids whose keys were found but cannot verify signatures, with the reason for each.</summary>
    public IReadOnlyDictionary<string, string> UnusableKeys =>
        _keys.Values.Where(k => k.Problem is not null).ToDictionary(k => k.KeyId, k => k.Problem!);

    /// <summary>
    /// Fingerprints (upper-case hex, no spaces) of the parsed primary keys; a subkey is known by its primary's. These are
    /// what an operator pins (rpm -qi gpg-pubkey, gpg --fingerprint).
    /// </summary>
    public IReadOnlyList<string> PrimaryFingerprints =>
        [.. _keys.Values.Select(k => k.Primary ?? k.Key).OfType<PgpPublicKey>().Select(Fingerprint).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Normalizes a fingerprint as people write it ("ABCD 1234 ...", lower case, 0x prefix) to upper-case hex.</summary>
    public static string NormalizeFingerprint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hex = text.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        hex = hex.Replace(" ", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        return hex.Length is 40 or 64 && hex.All(char.IsAsciiHexDigit)
            ? hex
            : throw new FormatException($"'{text}' is not an OpenPGP fingerprint (40 hex digits for a v4 key)");
    }

    /// <summary>
    /// The keys whose primary fingerprint is among <paramref name="fingerprints"/> (normalized), with their subkeys;
    /// null when none is.
    /// </summary>
    public OpenPgpKeyRing? Pinned(IEnumerable<string> fingerprints)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        var pins = fingerprints.Select(NormalizeFingerprint).ToHashSet(StringComparer.Ordinal);
        var kept = _keys.Where(pair => (pair.Value.Primary ?? pair.Value.Key) is { } primary && pins.Contains(Fingerprint(primary)))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        return kept.Count == 0 ? null : new OpenPgpKeyRing(kept);
    }

    /// <summary>Loads an armored or binary key file holding one or several keys.</summary>
    public static OpenPgpKeyRing Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxKeyFileBytes)
        {
            throw new InvalidDataException($"{path}: key file is larger than {MaxKeyFileBytes} bytes");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses armored or binary key data; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The data holds no public key or is malformed.</exception>
    public static OpenPgpKeyRing Parse(ReadOnlySpan<byte> data, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        var binary = Armor.Decode(data, sourceName);
        var packets = Packets.Split(binary, sourceName);
        var keys = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
        int start = -1;
        for (int i = 0; i <= packets.Count; i++)
        {
            bool boundary = i == packets.Count || packets[i].Tag is Packets.TagPublicKey or Packets.TagSecretKey;
            if (!boundary)
            {
                continue;
            }

            if (start >= 0)
            {
                AddTransferableKey(binary, packets.GetRange(start, i - start), sourceName, keys);
            }

            start = i;
        }

        if (keys.Count == 0)
        {
            throw new InvalidDataException($"{sourceName}: no OpenPGP public key found");
        }

        return new OpenPgpKeyRing(keys);
    }

    /// <summary>Merges several rings; a key present in more than one keeps its first occurrence.</summary>
    public static OpenPgpKeyRing Combine(IEnumerable<OpenPgpKeyRing> rings)
    {
        ArgumentNullException.ThrowIfNull(rings);
        var keys = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
        foreach (var ring in rings)
        {
            foreach (var (id, entry) in ring._keys)
            {
                // A usable copy of a key wins over an unusable one.
                if (!keys.TryGetValue(id, out var existing) || (existing.Problem is not null && entry.Problem is null))
                {
                    keys[id] = entry;
                }
            }
        }

        return new OpenPgpKeyRing(keys);
    }

    /// <summary>Checks a detached signature (armored or binary) over data read from <paramref name="data"/> to its end.</summary>
    public SignatureCheck VerifyDetached(Stream data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(data);
        var plan = Prepare(signature);
        if (plan.Verifiers.Count > 0)
        {
            var buffer = new byte[81920];
            int n;
            while ((n = data.Read(buffer, 0, buffer.Length)) > 0)
            {
                foreach (var v in plan.Verifiers)
                {
                    v.Signature.Update(buffer.AsSpan(0, n));
                }
            }
        }

        return Finish(plan);
    }

    /// <summary>Checks a detached signature (armored or binary) over <paramref name="data"/>.</summary>
    public SignatureCheck VerifyDetached(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var plan = Prepare(signature);
        foreach (var v in plan.Verifiers)
        {
            v.Signature.Update(data);
        }

        return Finish(plan);
    }

    private Plan Prepare(ReadOnlySpan<byte> signature)
    {
        var plan = new Plan();
        if (signature.Length > MaxSignatureBytes)
        {
            plan.Results.Add(new SignatureCheck(SignatureStatus.Malformed, null, null, $"signature is larger than {MaxSignatureBytes} bytes"));
            return plan;
        }

        byte[] binary;
        List<RawPacket> packets;
        try
        {
            binary = Armor.Decode(signature, "signature");
            packets = Packets.Split(binary, "signature");
        }
        catch (InvalidDataException e)
        {
            plan.Results.Add(new SignatureCheck(SignatureStatus.Malformed, null, null, e.Message));
            return plan;
        }

        foreach (var packet in packets.Where(p => p.Tag == Packets.TagSignature))
        {
            var result = PrepareOne(binary.AsMemory(packet.Start, packet.Length), binary.AsSpan(packet.BodyStart, packet.BodyLength), plan);
            if (result is not null)
            {
                plan.Results.Add(result);
            }
        }

        if (plan.Results.Count == 0 && plan.Verifiers.Count == 0)
        {
            plan.Results.Add(new SignatureCheck(SignatureStatus.Malformed, null, null, "no signature packet found"));
        }

        return plan;
    }

    /// <summary>Returns a final result, or null after adding a verifier to the plan.</summary>
    private SignatureCheck? PrepareOne(ReadOnlyMemory<byte> packet, ReadOnlySpan<byte> body, Plan plan)
    {
        SignaturePacketInfo info;
        try
        {
            info = SignaturePacketInfo.Parse(body);
        }
        catch (InvalidDataException e)
        {
            return new SignatureCheck(SignatureStatus.Malformed, null, null, e.Message);
        }

        var alg = info.AlgorithmName;
        if (info.IssuerKeyId is null)
        {
            return new SignatureCheck(SignatureStatus.Malformed, null, alg, $"v{info.Version} {alg} signature names no issuer key");
        }

        if (!_keys.TryGetValue(info.IssuerKeyId, out var entry))
        {
            return new SignatureCheck(SignatureStatus.UnknownKey, info.IssuerKeyId, alg, $"{alg} signature by key {info.IssuerKeyId}: key not in the key ring");
        }

        if (entry.Problem is not null || entry.Key is null)
        {
            return new SignatureCheck(SignatureStatus.Unsupported, info.IssuerKeyId, alg, entry.Problem ?? "key cannot be used");
        }

        if (info.SignatureType is not (0x00 or 0x01))
        {
            return new SignatureCheck(SignatureStatus.Bad, info.IssuerKeyId, alg, $"signature type 0x{info.SignatureType:x2} is not a document signature");
        }

        if (info.HashAlgorithm is 1 or 2 or 3)
        {
            var hash = info.HashAlgorithm switch { 1 => "MD5", 2 => "SHA-1", _ => "RIPEMD-160" };
            return new SignatureCheck(SignatureStatus.Unsupported, info.IssuerKeyId, alg, $"{alg} signature by key {info.IssuerKeyId} uses {hash}, which is not accepted for data signatures");
        }

        if (entry.Policy?.Refusal is { } refusal)
        {
            return new SignatureCheck(SignatureStatus.Bad, info.IssuerKeyId, alg, $"{alg} signature refused: {refusal}");
        }

        try
        {
            var obj = new PgpObjectFactory(packet.ToArray()).NextPgpObject();
            var sig = obj switch
            {
                PgpSignatureList list when list.Count > 0 => list[0],
                _ => null,
            };
            if (sig is null)
            {
                return new SignatureCheck(SignatureStatus.Malformed, info.IssuerKeyId, alg, "signature packet could not be read");
            }

            if (TimeProblem(sig, entry) is { } late)
            {
                return new SignatureCheck(SignatureStatus.Bad, info.IssuerKeyId, alg, $"{alg} signature by key {info.IssuerKeyId} refused: {late}");
            }

            plan.Verifiers.Add(new Verifier(DocumentSignatureVerifier.Start(sig, entry), info, entry));
            return null;
        }
        catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidOperationException or NotSupportedException or NotImplementedException or UnsupportedPacketVersionException
            or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            var status = info.Version is 3 or 4 ? SignatureStatus.Malformed : SignatureStatus.Unsupported;
            return new SignatureCheck(status, info.IssuerKeyId, alg, $"v{info.Version} {alg} signature by key {info.IssuerKeyId} cannot be checked: {OneLine(e.Message)}");
        }
    }

    private static SignatureCheck Finish(Plan plan)
    {
        foreach (var v in plan.Verifiers)
        {
            var id = v.Info.IssuerKeyId;
            var alg = v.Info.AlgorithmName;
            bool ok;
            try
            {
                ok = v.Signature.Verify();
            }
            catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidOperationException)
            {
                plan.Results.Add(new SignatureCheck(SignatureStatus.Malformed, id, alg, $"{alg} signature by key {id}: {OneLine(e.Message)}"));
                continue;
            }

            var by = v.Key.Primary is null ? $"key {id}" : $"subkey {id} of key {KeyIdCalculator.Format(v.Key.Primary.KeyId)}";
            plan.Results.Add(ok
                ? new SignatureCheck(SignatureStatus.Good, id, alg, $"good {alg} signature by {by}")
                : new SignatureCheck(SignatureStatus.Bad, id, alg, $"BAD {alg} signature by {by}: the data does not match"));
        }

        return plan.Results.OrderBy(r => Rank(r.Status)).First();
    }

    private static int Rank(SignatureStatus status) => status switch
    {
        SignatureStatus.Good => 0,
        SignatureStatus.Bad => 1,
        SignatureStatus.Unsupported => 2,
        SignatureStatus.UnknownKey => 3,
        _ => 4,
    };

    private static void AddTransferableKey(byte[] binary, List<RawPacket> group, string sourceName, Dictionary<string, KeyEntry> keys)
    {
        var first = group[0];
        if (first.Tag == Packets.TagSecretKey)
        {
            throw new InvalidDataException($"{sourceName}: holds a secret key; give the public key instead");
        }

        if (first.Tag != Packets.TagPublicKey)
        {
            // Marker or other packets before the first key carry nothing Keel needs.
            return;
        }

        var start = group[0].Start;
        var end = group[^1].Start + group[^1].Length;
        int version = binary[first.BodyStart < binary.Length ? first.BodyStart : 0];
        string? problem = null;
        try
        {
            var ring = new PgpPublicKeyRing(binary.AsSpan(start, end - start).ToArray());
            var primary = ring.GetPublicKey();
            var cachedPrimary = new CachedPublicKey(primary);
            var primaryPolicy = KeyPolicy.ForPrimary(cachedPrimary, KeyIdCalculator.Format(primary.KeyId));
            foreach (PgpPublicKey key in ring.GetPublicKeys())
            {
                var id = KeyIdCalculator.Format(key.KeyId);
                if (key.IsMasterKey)
                {
                    keys.TryAdd(id, new KeyEntry(id, key, null, null, sourceName, primaryPolicy, cachedPrimary));
                }
                else
                {
                    var cached = new CachedPublicKey(key);
                    keys.TryAdd(id, new KeyEntry(id, key, primary, null, sourceName, KeyPolicy.ForSubkey(cachedPrimary, primaryPolicy, cached, id), cached));
                }
            }

            return;
        }
        catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidOperationException or NotSupportedException or NotImplementedException or InvalidCastException or UnsupportedPacketVersionException)
        {
            problem = version is 5 or 6
                ? $"key from {sourceName} is an OpenPGP v{version} key, which the OpenPGP backend cannot use yet"
                : $"key from {sourceName} cannot be read: {OneLine(e.Message)}";
        }

        foreach (var packet in group.Where(p => p.Tag is Packets.TagPublicKey or Packets.TagPublicSubkey))
        {
            var id = KeyIdCalculator.FromKeyPacket(binary.AsSpan(packet.BodyStart, packet.BodyLength));
            if (id is not null)
            {
                keys.TryAdd(id, new KeyEntry(id, null, null, problem, sourceName));
            }
        }
    }

    /// <summary>Why the signature's time is outside its key's or its own validity, or null.</summary>
    private static string? TimeProblem(PgpSignature sig, KeyEntry entry)
    {
        var made = sig.CreationTime.ToUniversalTime();
        if (entry.Key is { } key && made < key.CreationTime.ToUniversalTime())
        {
            return $"made {made:u}, before the key was created";
        }

        if (entry.Policy?.Expires is { } expires && made > expires)
        {
            return $"made {made:u}, after the key expired {expires:u}";
        }

        var lifetime = sig.GetHashedSubPackets()?.GetSignatureExpirationTime() ?? 0;
        return lifetime != 0 && made.AddSeconds(lifetime) < DateTime.UtcNow ? $"the signature expired {made.AddSeconds(lifetime):u}" : null;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    private sealed record Verifier(DocumentSignatureVerifier Signature, SignaturePacketInfo Info, KeyEntry Key);

    private sealed class Plan
    {
        public List<Verifier> Verifiers { get; } = [];

        public List<SignatureCheck> Results { get; } = [];
    }
}
