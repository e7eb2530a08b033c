using System.Buffers.Binary;
using System.Security.Cryptography;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Accounts;

/// <summary>
/// Reads OpenSSH public keys from an authorized_keys file or a *.pub file: every non-comment line becomes a
/// <see cref="FoundKey"/> with its type, SHA256 fingerprint (as `ssh-keygen -lf` prints it) and comment, or with the
/// problem that keeps it from being imported. <see cref="FoundKey.KeyLine"/> keeps the options prefix
/// (`from="10.0.0.1",no-pty ssh-ed25519 AAAA... c`): the options are restrictions the key's owner asked for, and dropping
/// them would silently widen what the key may do.
/// </summary>
public static class AuthorizedKeysParser
{
    /// <summary>The key types OpenSSH accepts in authorized_keys that the installer imports.</summary>
    public static IReadOnlyList<string> KeyTypes { get; } =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    // A public key line is short; a longer line is not a key (an RSA 16384 key is about 2.8 KB of base64).
    private const int MaxLineLength = 16 * 1024;

    /// <summary>Every key line of <paramref name="text"/> (comments and blank lines skipped), valid or not, numbered from 1.</summary>
    public static IReadOnlyList<FoundKey> Parse(string text, string volume, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new List<FoundKey>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            keys.Add(ParseLine(line, volume, file, number));
        }

        return keys;
    }

    /// <summary>
    /// Checks one pasted key line; null when it is a valid key, else the one-line problem ("not base64", "unknown key
    /// type 'ssh-dss'"). Several lines, comments and blank input are refused.
    /// </summary>
    public static string? Validate(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return "the key is empty";
        }

        if (trimmed.Contains('\n', StringComparison.Ordinal) || trimmed.Contains('\r', StringComparison.Ordinal))
        {
            return "one key per line: the text has several lines";
        }

        if (trimmed[0] == '#')
        {
            return "the line is a comment, not a key";
        }

        var key = ParseLine(trimmed, "pasted", "pasted", 1);
        return key.Valid ? null : key.Problem![(key.Problem!.IndexOf(": ", StringComparison.Ordinal) + 2)..];
    }

    /// <summary>The key of one valid line, for a caller that has already checked it; null when the line is not a valid key.</summary>
    public static FoundKey? ParseOne(string line, string volume, string file) =>
        ParseLine(line.Trim(), volume, file, 1) is { Valid: true } key ? key : null;

    private static FoundKey ParseLine(string line, string volume, string file, int number)
    {
        FoundKey Bad(string problem, string? type = null) => new(volume, file, number, type, null, null, false, $"line {number}: {problem}", null);

        if (line.Length > MaxLineLength)
        {
            return Bad($"longer than {MaxLineLength} characters, not a public key");
        }

        var fields = Fields(line);
        var at = fields.FindIndex(f => KeyTypes.Contains(f, StringComparer.Ordinal));
        if (at < 0)
        {
            // The first field that looks like a type names the problem better than "no key here".
            var named = fields.FirstOrDefault(f => f.StartsWith("ssh-", StringComparison.Ordinal) || f.StartsWith("ecdsa-", StringComparison.Ordinal) || f.StartsWith("sk-", StringComparison.Ordinal));
            return Bad(named is null ? "no key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ...) found" : $"unknown key type '{named}'");
        }

        // Options come before the type; more than one options field means the line is not an authorized_keys line.
        if (at > 1)
        {
            return Bad("text before the key type that is not an options list");
        }

        var options = at == 1 ? fields[0] : null;
        var type = fields[at];
        if (at + 1 >= fields.Count)
        {
            return Bad("the key data after the type is missing", type);
        }

        var data = fields[at + 1];
        var comment = at + 2 < fields.Count ? string.Join(' ', fields.Skip(at + 2)) : null;
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            return Bad("not base64", type);
        }

        if (BlobType(blob) is not { } inner)
        {
            return Bad("the key data is not an SSH public key", type);
        }

        if (!string.Equals(inner, type, StringComparison.Ordinal))
        {
            return Bad($"type says {type}, key is {inner}", type);
        }

        var fingerprint = Fingerprint(blob);
        var keyLine = (options is null ? "" : options + " ") + type + " " + data + (comment is null ? "" : " " + comment);
        return new FoundKey(volume, file, number, type, fingerprint, comment, true, null, keyLine);
    }

    /// <summary>"SHA256:" and the unpadded base64 of the SHA-256 of the key blob, as `ssh-keygen -lf` prints it.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> blob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    // The blob starts with its type as an SSH string: a 4-byte big-endian length and that many ASCII bytes.
    private static string? BlobType(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (length == 0 || length > 64 || length > blob.Length - 4)
        {
            return null;
        }

        var span = blob.AsSpan(4, (int)length);
        foreach (var b in span)
        {
            if (b is < 0x21 or > 0x7e)
            {
                return null;
            }
        }

        return System.Text.Encoding.ASCII.GetString(span);
    }

    // Splits on blanks outside double quotes: an options field such as command="a b" is one field.
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && quoted && i + 1 < line.Length)
            {
                current.Append(c).Append(line[++i]);
                continue;
            }

            if (c == '"')
            {
                quoted = !quoted;
            }

            if (!quoted && (c == ' ' || c == '\t'))
            {
                if (current.Length > 0)
                {
                    fields.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            fields.Add(current.ToString());
        }

        return fields;
    }
}
