using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Keel.Installer.Service.Accounts;

/// <summary>
/// SHA-512 crypt ("$6$", Ulrich Drepper's algorithm, https://www.akkadia.org/drepper/SHA-crypt.txt), the hash glibc's
/// crypt(3), `openssl passwd -6` and shadow(5) use; managed, so the NativeAOT installer needs no libcrypt.
/// </summary>
public static class PasswordHasher
{
    /// <summary>The rounds used when none are named (and then not written into the hash, as the spec says).</summary>
    public const int DefaultRounds = 5000;

    /// <summary>The spec's bounds; a rounds value outside them is clamped, as glibc does.</summary>
    public const int MinRounds = 1000;

    public const int MaxRounds = 999_999_999;

    /// <summary>The salt length drawn for a new hash (the spec's maximum).</summary>
    public const int SaltLength = 16;

    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // The order in which the 64 digest bytes are taken three at a time into the 86 output characters (the spec's step 22).
    private static ReadOnlySpan<byte> Order =>
    [
        0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10,
        53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41,
    ];

    /// <summary>A new "$6$SALT$HASH" of <paramref name="password"/> (UTF-8) with a random 16-character salt; <paramref name="rounds"/> null: 5000, not written.</summary>
    public static string Hash(string password, int? rounds = null)
    {
        Span<char> salt = stackalloc char[SaltLength];
        for (var i = 0; i < salt.Length; i++)
        {
            salt[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return Hash(password, new string(salt), rounds);
    }

    /// <summary>The hash of <paramref name="password"/> with a given <paramref name="salt"/> (cut to 16 characters, up to a '$').</summary>
    public static string Hash(string password, string salt, int? rounds)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(salt);
        var cut = salt.IndexOf('$', StringComparison.Ordinal) is var d and >= 0 ? salt[..d] : salt;
        cut = cut.Length > SaltLength ? cut[..SaltLength] : cut;
        var effective = rounds is { } r ? Math.Clamp(r, MinRounds, MaxRounds) : DefaultRounds;
        var digest = Compute(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(cut), effective);
        var prefix = rounds is null ? "$6$" : $"$6$rounds={effective.ToString(CultureInfo.InvariantCulture)}$";
        return prefix + cut + "$" + Encode(digest);
    }

    /// <summary>True when <paramref name="password"/> hashes to <paramref name="hash"/> (a "$6$" hash; anything else is false).</summary>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (hash is null || !hash.StartsWith("$6$", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = hash[3..];
        int? rounds = null;
        if (rest.StartsWith("rounds=", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('$', StringComparison.Ordinal);
            if (end < 0 || !int.TryParse(rest.AsSpan(7, end - 7), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            rounds = n;
            rest = rest[(end + 1)..];
        }

        var saltEnd = rest.IndexOf('$', StringComparison.Ordinal);
        if (saltEnd < 0)
        {
            return false;
        }

        var computed = Hash(password, rest[..saltEnd], rounds);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(hash));
    }

    // The numbered steps are the spec's.
    private static byte[] Compute(byte[] p, byte[] s, int rounds)
    {
        // Steps 4-8: digest B = SHA512(P S P).
        var b = SHA512.HashData([.. p, .. s, .. p]);

        // Steps 1-3, 9-12: digest A.
        using var a = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        a.AppendData(p);
        a.AppendData(s);
        int left;
        for (left = p.Length; left > 64; left -= 64)
        {
            a.AppendData(b);
        }

        a.AppendData(b.AsSpan(0, left));
        for (var bits = p.Length; bits > 0; bits >>= 1)
        {
            a.AppendData((bits & 1) != 0 ? b : p);
        }

        var digestA = a.GetHashAndReset();

        // Steps 13-16: P sequence from DP = SHA512(P repeated |P| times).
        for (var i = 0; i < p.Length; i++)
        {
            a.AppendData(p);
        }

        var pSequence = Repeat(a.GetHashAndReset(), p.Length);

        // Steps 17-20: S sequence from DS = SHA512(S repeated 16 + A[0] times).
        for (var i = 0; i < 16 + digestA[0]; i++)
        {
            a.AppendData(s);
        }

        var sSequence = Repeat(a.GetHashAndReset(), s.Length);

        // Step 21: the rounds.
        var c = digestA;
        for (var i = 0; i < rounds; i++)
        {
            a.AppendData((i & 1) != 0 ? pSequence : c);
            if (i % 3 != 0)
            {
                a.AppendData(sSequence);
            }

            if (i % 7 != 0)
            {
                a.AppendData(pSequence);
            }

            a.AppendData((i & 1) != 0 ? c : pSequence);
            c = a.GetHashAndReset();
        }

        return c;
    }

    private static byte[] Repeat(byte[] digest, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = digest[i % digest.Length];
        }

        return result;
    }

    // 21 groups of three bytes give four characters each, the last byte two: 86 characters, least significant 6 bits first.
    private static string Encode(byte[] c)
    {
        var text = new StringBuilder(86);
        var order = Order;
        for (var g = 0; g < 21; g++)
        {
            var w = (c[order[g * 3]] << 16) | (c[order[(g * 3) + 1]] << 8) | c[order[(g * 3) + 2]];
            for (var k = 0; k < 4; k++, w >>= 6)
            {
                text.Append(Alphabet[w & 0x3f]);
            }
        }

        var last = c[63];
        for (var k = 0; k < 2; k++, last >>= 6)
        {
            text.Append(Alphabet[last & 0x3f]);
        }

        return text.ToString();
    }
}

/// <summary>What the installer accepts as a new password, checked before it is hashed; the problem is said without the password.</summary>
public static class PasswordRules
{
    /// <summary>The problem with <paramref name="password"/> (and its repetition, when given), or null when it is accepted.</summary>
    public static string? Check(string? password, string? again = null)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "the password is empty; lock the account or set a password";
        }

        if (password.Any(c => c is '\0' or '\n' or '\r'))
        {
            return "the password has a NUL or line break, which crypt(3) and a console login cannot take";
        }

        if (again is not null && !string.Equals(password, again, StringComparison.Ordinal))
        {
            return "the two passwords differ";
        }

        return null;
    }
}
