using System.Text;

namespace Keel.Provisioning.UserData;

/// <summary>A minimal RFC 2045/2046 reader for user-data: headers, Content-Type parameters, multipart bodies and transfer encodings.</summary>
internal sealed class MimeMessage
{
    /// <summary>Deepest multipart nesting accepted.</summary>
    public const int MaxDepth = 16;

    /// <summary>Most parts accepted in one message.</summary>
    public const int MaxParts = 1000;

    private MimeMessage(List<KeyValuePair<string, string>> headers, byte[] body)
    {
        Headers = headers;
        Body = body;
    }

    public List<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; }

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The lower-case media type, "text/plain" when absent (RFC 2045's default).</summary>
    public string ContentType => (Header("Content-Type") is { } ct ? ct.Split(';')[0].Trim().ToLowerInvariant() : "text/plain") switch
    {
        "" => "text/plain",
        var t when !t.Contains('/', StringComparison.Ordinal) => "text/plain",
        var t => t,
    };

    public string? Parameter(string header, string name) => Header(header) is { } value ? ParseParameters(value).GetValueOrDefault(name) : null;

    public string? Filename => Parameter("Content-Disposition", "filename") ?? Parameter("Content-Type", "name");

    /// <summary>Body after undoing Content-Transfer-Encoding.</summary>
    public byte[] DecodedBody(string source)
    {
        var encoding = Header("Content-Transfer-Encoding")?.Trim().ToLowerInvariant();
        switch (encoding)
        {
            case "base64":
                var text = string.Concat(Encoding.ASCII.GetString(Body).Where(c => !char.IsWhiteSpace(c)));
                try
                {
                    return Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    throw new InvalidDataException($"{source}: MIME part has invalid base64 content");
                }

            case "quoted-printable":
                return DecodeQuotedPrintable(Body);
            default:
                return Body;
        }
    }

    public static MimeMessage Parse(byte[] data)
    {
        var (headers, bodyStart) = ReadHeaders(data);
        return new MimeMessage(headers, data[bodyStart..]);
    }

    /// <summary>Splits a multipart body on its boundary; the line break before each delimiter belongs to the delimiter.</summary>
    public IEnumerable<MimeMessage> Parts(string source)
    {
        var boundary = Parameter("Content-Type", "boundary") ?? throw new InvalidDataException($"{source}: multipart MIME message without a boundary");
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var body = Body;
        var starts = new List<(int Start, int LineStart, bool Close)>();
        var pos = 0;
        while (pos < body.Length)
        {
            var lineEnd = Array.IndexOf(body, (byte)'\n', pos);
            var end = lineEnd < 0 ? body.Length : lineEnd;
            var line = body.AsSpan(pos, end - pos).TrimEnd("\r"u8).TrimEnd(" \t"u8);
            if (line.StartsWith(delimiter))
            {
                var rest = line[delimiter.Length..];
                if (rest.Length == 0 || rest.SequenceEqual("--"u8))
                {
                    starts.Add((lineEnd < 0 ? body.Length : lineEnd + 1, pos, rest.Length == 2));
                    if (rest.Length == 2)
                    {
                        break;
                    }
                }
            }

            pos = lineEnd < 0 ? body.Length : lineEnd + 1;
        }

        if (starts.Count > MaxParts)
        {
            throw new InvalidDataException($"{source}: MIME message has more than {MaxParts} parts");
        }

        for (var i = 0; i < starts.Count; i++)
        {
            if (starts[i].Close)
            {
                yield break;
            }

            var partStart = starts[i].Start;
            var partEnd = i + 1 < starts.Count ? starts[i + 1].LineStart : body.Length;

            // The CRLF/LF that precedes the next delimiter is part of it.
            if (partEnd > partStart && body[partEnd - 1] == '\n')
            {
                partEnd--;
                if (partEnd > partStart && body[partEnd - 1] == '\r')
                {
                    partEnd--;
                }
            }

            yield return Parse(body[partStart..Math.Max(partStart, partEnd)]);
        }
    }

    private static (List<KeyValuePair<string, string>> Headers, int BodyStart) ReadHeaders(byte[] data)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var pos = 0;

        // An mbox "From " line is not a header (cloud-init's samples start with one).
        if (data.AsSpan().StartsWith("From "u8))
        {
            var nl = Array.IndexOf(data, (byte)'\n');
            pos = nl < 0 ? data.Length : nl + 1;
        }

        while (pos < data.Length)
        {
            var lineEnd = Array.IndexOf(data, (byte)'\n', pos);
            var end = lineEnd < 0 ? data.Length : lineEnd;
            var line = Encoding.UTF8.GetString(data, pos, end - pos).TrimEnd('\r');
            var next = lineEnd < 0 ? data.Length : lineEnd + 1;
            if (line.Length == 0)
            {
                return (headers, next);
            }

            if (line[0] is ' ' or '\t' && headers.Count > 0)
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
            }
            else
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    // Not a header: the body starts here (Python's email parser does the same).
                    return (headers, pos);
                }

                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }

            pos = next;
        }

        return (headers, data.Length);
    }

    internal static Dictionary<string, string> ParseParameters(string headerValue)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = headerValue.IndexOf(';', StringComparison.Ordinal);
        while (i >= 0 && i < headerValue.Length)
        {
            i++;
            while (i < headerValue.Length && char.IsWhiteSpace(headerValue[i]))
            {
                i++;
            }

            var eq = headerValue.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var name = headerValue[i..eq].Trim();
            var j = eq + 1;
            string value;
            if (j < headerValue.Length && headerValue[j] == '"')
            {
                var sb = new StringBuilder();
                j++;
                while (j < headerValue.Length && headerValue[j] != '"')
                {
                    if (headerValue[j] == '\\' && j + 1 < headerValue.Length)
                    {
                        j++;
                    }

                    sb.Append(headerValue[j++]);
                }

                value = sb.ToString();
                j = headerValue.IndexOf(';', j);
            }
            else
            {
                var semi = headerValue.IndexOf(';', j);
                value = (semi < 0 ? headerValue[j..] : headerValue[j..semi]).Trim();
                j = semi;
            }

            result[name] = value;
            i = j;
        }

        return result;
    }

    private static byte[] DecodeQuotedPrintable(byte[] body)
    {
        var output = new List<byte>(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '=')
            {
                output.Add(body[i]);
                continue;
            }

            if (i + 1 < body.Length && body[i + 1] == '\n')
            {
                i++;
            }
            else if (i + 2 < body.Length && body[i + 1] == '\r' && body[i + 2] == '\n')
            {
                i += 2;
            }
            else if (i + 2 < body.Length && Uri.IsHexDigit((char)body[i + 1]) && Uri.IsHexDigit((char)body[i + 2]))
            {
                output.Add(Convert.ToByte(Encoding.ASCII.GetString(body, i + 1, 2), 16));
                i += 2;
            }
            else
            {
                output.Add(body[i]);
            }
        }

        return [.. output];
    }
}
