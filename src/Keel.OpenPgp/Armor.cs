using System.Text;

namespace Keel.OpenPgp;

/// <summary>Turns ASCII-armored input (possibly several blocks) into binary packets; binary input passes through.</summary>
internal static class Armor
{
    private const string BeginMarker = "-----BEGIN PGP ";
    private const string EndMarker = "-----END PGP ";

    public static bool LooksArmored(ReadOnlySpan<byte> data)
    {
        return !IsPacketStart(data) && data.IndexOf("-----BEGIN PGP "u8) >= 0;
    }

    /// <summary>Returns the binary content of every armored block, concatenated, or the input itself when it is binary.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> data, string sourceName)
    {
        if (!LooksArmored(data))
        {
            return data.ToArray();
        }

        var text = Encoding.ASCII.GetString(data);
        var output = new MemoryStream();
        int pos = 0;
        int blocks = 0;
        while (true)
        {
            int begin = text.IndexOf(BeginMarker, pos, StringComparison.Ordinal);
            if (begin < 0)
            {
                break;
            }

            int lineEnd = text.IndexOf('\n', begin);
            if (lineEnd < 0)
            {
                throw new InvalidDataException($"{sourceName}: armor header line has no end");
            }

            int end = text.IndexOf(EndMarker, lineEnd, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new InvalidDataException($"{sourceName}: armored block has no END line");
            }

            DecodeBody(text.AsSpan(lineEnd + 1, end - lineEnd - 1), output, sourceName);
            blocks++;
            int next = text.IndexOf('\n', end);
            pos = next < 0 ? text.Length : next + 1;
        }

        if (blocks == 0)
        {
            throw new InvalidDataException($"{sourceName}: no armored OpenPGP block found");
        }

        return output.ToArray();
    }

    private static void DecodeBody(ReadOnlySpan<char> body, MemoryStream output, string sourceName)
    {
        // Armor headers ("Version: ...") end at the first empty line; some writers omit both.
        var base64 = new StringBuilder();
        bool inHeaders = true;
        foreach (var rawLine in body.EnumerateLines())
        {
            var line = rawLine.Trim();
            if (inHeaders)
            {
                if (line.Length == 0)
                {
                    inHeaders = false;
                    continue;
                }

                if (line.Contains(": ", StringComparison.Ordinal))
                {
                    continue;
                }

                inHeaders = false;
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '=')
            {
                // The CRC-24 line; optional (RFC 9580) and redundant with the packet checks.
                break;
            }

            base64.Append(line);
        }

        try
        {
            output.Write(Convert.FromBase64String(base64.ToString()));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{sourceName}: armored block is not valid base64 ({e.Message})");
        }
    }

    private static bool IsPacketStart(ReadOnlySpan<byte> data) => data.Length > 0 && (data[0] & 0x80) != 0;
}
