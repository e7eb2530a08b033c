using System.IO.Compression;
using System.Text;
using Keel.Errors;
using Keel.Provisioning.Config;

namespace Keel.Provisioning.UserData;

/// <summary>The parts found in user data (or vendor data), in order, and what was wrong on the way.</summary>
public sealed class ProcessedUserData
{
    /// <summary>Parts in the order cloud-init would attach them.</summary>
    public List<UserDataPart> Parts { get; } = [];

    /// <summary>Warnings and errors met while processing.</summary>
    public List<ProvisioningDiagnostic> Diagnostics { get; } = [];

    /// <summary>Includes fetched so far, at every depth.</summary>
    internal int Includes { get; set; }

    /// <summary>Bytes fetched by includes so far.</summary>
    internal long IncludedBytes { get; set; }
}

/// <summary>
/// cloud-init's UserDataProcessor: gzip (by magic), MIME multipart, #include, #cloud-config-archive and type detection by
/// first line. Keel addition: user data that is entirely base64 of something recognisable is decoded first.
/// </summary>
public sealed class UserDataProcessor
{
    /// <summary>Largest decompressed payload accepted.</summary>
    public const int MaxDecompressedBytes = 64 * 1024 * 1024;

    /// <summary>Deepest #include nesting followed.</summary>
    public const int MaxIncludeDepth = 8;

    /// <summary>Most includes fetched for one blob, at every depth together (each may be up to 16 MiB).</summary>
    public const int MaxIncludes = 64;

    /// <summary>Most bytes all includes of one blob may fetch together.</summary>
    public const int MaxIncludedBytes = MaxDecompressedBytes;

    private static readonly string[] DecompressTypes =
    [
        "application/gzip", "application/gzip-compressed", "application/gzipped", "application/x-compress",
        "application/x-compressed", "application/x-gzip", "application/x-gzip-compressed",
    ];

    private readonly IIncludeFetcher? _fetcher;

    /// <summary>Creates a processor; without a fetcher, #include parts are reported and skipped.</summary>
    public UserDataProcessor(IIncludeFetcher? fetcher = null) => _fetcher = fetcher;

    /// <summary>Processes a user-data blob named <paramref name="source"/> for diagnostics.</summary>
    public ProcessedUserData Process(byte[] blob, string source)
    {
        var result = new ProcessedUserData();
        ProcessBlob(blob, source, result, 0);
        return result;
    }

    private void ProcessBlob(byte[] blob, string source, ProcessedUserData result, int depth)
    {
        byte[] data;
        try
        {
            data = Unwrap(blob, source);
        }
        catch (InvalidDataException ex)
        {
            result.Diagnostics.Add(new(Severity.Error, source, ex.Message));
            return;
        }

        if (data.Length == 0)
        {
            return;
        }

        var head = Encoding.Latin1.GetString(data, 0, Math.Min(data.Length, 4096));
        if (head.Contains("mime-version:", StringComparison.OrdinalIgnoreCase))
        {
            MimeMessage message;
            try
            {
                message = MimeMessage.Parse(data);
                Walk(message, source, result, depth, 0);
            }
            catch (InvalidDataException ex)
            {
                result.Diagnostics.Add(new(Severity.Error, source, ex.Message));
            }

            return;
        }

        HandlePart(UserDataTypes.NotMultipart, null, data, null, null, source, result, depth);
    }

    private void Walk(MimeMessage message, string source, ProcessedUserData result, int includeDepth, int mimeDepth)
    {
        if (mimeDepth > MimeMessage.MaxDepth)
        {
            throw new InvalidDataException($"{source}: MIME nesting deeper than {MimeMessage.MaxDepth}");
        }

        if (message.ContentType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            foreach (var part in message.Parts(source))
            {
                Walk(part, source, result, includeDepth, mimeDepth + 1);
            }

            return;
        }

        var launchIndex = int.TryParse(message.Header("Launch-Index"), out var li) ? li : (int?)null;
        var mergeType = message.Header("Merge-Type") ?? message.Header("X-Merge-Type");
        HandlePart(message.ContentType, message.Filename, message.DecodedBody(source), mergeType, launchIndex, source, result, includeDepth);
    }

    private void HandlePart(string contentType, string? filename, byte[] payload, string? mergeType, int? launchIndex, string source, ProcessedUserData result, int depth)
    {
        var ctype = contentType;
        if (DecompressTypes.Contains(ctype, StringComparer.Ordinal))
        {
            try
            {
                payload = Gunzip(payload, source);
            }
            catch (InvalidDataException ex)
            {
                result.Diagnostics.Add(new(Severity.Error, source, ex.Message));
                return;
            }

            ctype = UserDataTypes.Plain;
        }

        if (ctype is UserDataTypes.Plain or UserDataTypes.NotMultipart or UserDataTypes.ShellScript)
        {
            ctype = UserDataTypes.FromStartsWith(payload) ?? ctype;
        }

        switch (ctype)
        {
            case UserDataTypes.IncludeUrl or UserDataTypes.IncludeOnceUrl:
                Include(Encoding.UTF8.GetString(payload), source, result, depth);
                return;
            case UserDataTypes.CloudConfigArchive:
                ExplodeArchive(Encoding.UTF8.GetString(payload), source, result);
                return;
            default:
                Attach(result, new UserDataPart(ctype, filename ?? "", payload, mergeType, launchIndex));
                return;
        }
    }

    private static void Attach(ProcessedUserData result, UserDataPart part)
    {
        var name = string.IsNullOrEmpty(part.Filename) ? $"part-{result.Parts.Count + 1:000}" : part.Filename;
        result.Parts.Add(part with { Filename = name });
    }

    private void Include(string content, string source, ProcessedUserData result, int depth)
    {
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("#include-once", StringComparison.OrdinalIgnoreCase))
            {
                line = line["#include-once".Length..].TrimStart();
            }
            else if (line.StartsWith("#include", StringComparison.OrdinalIgnoreCase))
            {
                line = line["#include".Length..].TrimStart();
            }

            var url = line.Trim();
            if (url.Length == 0 || url.StartsWith('#'))
            {
                continue;
            }

            if (depth >= MaxIncludeDepth)
            {
                result.Diagnostics.Add(new(Severity.Error, source, $"#include {url}: nesting deeper than {MaxIncludeDepth}"));
                continue;
            }

            if (_fetcher is null)
            {
                result.Diagnostics.Add(new(Severity.Warning, source, $"#include {url}: includes are not fetched here"));
                continue;
            }

            // Depth alone does not bound the work: each level may name many URLs.
            if (++result.Includes > MaxIncludes)
            {
                if (result.Includes == MaxIncludes + 1)
                {
                    result.Diagnostics.Add(new(Severity.Error, source, $"#include {url}: more than {MaxIncludes} includes; this and the rest are not fetched"));
                }

                continue;
            }

            byte[] fetched;
            try
            {
                fetched = _fetcher.Fetch(url);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or HttpRequestException or TaskCanceledException or UnauthorizedAccessException or TimeoutException or KeelException)
            {
                // An include that is unreachable or refused is skipped, as cloud-init skips it; one that was cut at a limit is an error.
                var severity = ex is LimitExceededException ? Severity.Error : Severity.Warning;
                result.Diagnostics.Add(new(severity, source, ExitCodes.Describe(ex)));
                continue;
            }

            result.IncludedBytes += fetched.Length;
            if (result.IncludedBytes > MaxIncludedBytes)
            {
                result.Diagnostics.Add(new(Severity.Error, source, $"#include {url}: includes add up to more than {MaxIncludedBytes} bytes; refused"));
                continue;
            }

            ProcessBlob(fetched, url, result, depth + 1);
        }
    }

    private static void ExplodeArchive(string archive, string source, ProcessedUserData result)
    {
        CloudNode? root;
        try
        {
            root = YamlConfigReader.Parse(archive, source + " (#cloud-config-archive)");
        }
        catch (Exception ex) when (YamlConfigReader.IsRefusal(ex))
        {
            result.Diagnostics.Add(new(Severity.Error, source, ex.Message));
            return;
        }

        if (root is null)
        {
            return;
        }

        if (root is not CloudList list)
        {
            result.Diagnostics.Add(new(Severity.Error, source, $"#cloud-config-archive must be a YAML list, found {root.TypeName}"));
            return;
        }

        foreach (var item in list.Items)
        {
            var entry = item switch
            {
                CloudScalar { Kind: ScalarKind.String } s => new CloudMap([new("content", s)]),
                CloudMap m => m,
                _ => null,
            };
            if (entry is null)
            {
                continue;
            }

            var content = entry["content"] is CloudScalar c ? c.GetBytes() : [];
            var type = entry.GetString("type");
            if (string.IsNullOrEmpty(type))
            {
                type = UserDataTypes.FromStartsWith(content, entry["content"] is CloudScalar { Kind: ScalarKind.Binary } ? "application/octet-stream" : UserDataTypes.Plain)!;
            }

            var launch = int.TryParse(entry.GetString("launch-index"), out var li) ? li : (int?)null;
            var merge = entry.Entries.FirstOrDefault(e => e.Key.Equals("Merge-Type", StringComparison.OrdinalIgnoreCase) || e.Key.Equals("X-Merge-Type", StringComparison.OrdinalIgnoreCase)).Value as CloudScalar;
            Attach(result, new UserDataPart(type.ToLowerInvariant(), entry.GetString("filename") ?? "", content, merge?.Text, launch));
        }
    }

    /// <summary>Undoes gzip (by magic) and, as a Keel addition, whole-blob base64 that decodes to recognisable user data.</summary>
    internal static byte[] Unwrap(byte[] blob, string source)
    {
        var data = blob;
        if (IsGzip(data))
        {
            return Gunzip(data, source);
        }

        if (TryBase64(data, out var decoded) && (IsGzip(decoded) || LooksLikeUserData(decoded)))
        {
            return IsGzip(decoded) ? Gunzip(decoded, source) : decoded;
        }

        return data;
    }

    private static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    private static bool LooksLikeUserData(byte[] data) =>
        UserDataTypes.FromStartsWith(data) is not null
        || Encoding.Latin1.GetString(data, 0, Math.Min(data.Length, 4096)).Contains("mime-version:", StringComparison.OrdinalIgnoreCase);

    private static bool TryBase64(byte[] data, out byte[] decoded)
    {
        decoded = [];
        if (data.Length < 8 || data.Length > MaxDecompressedBytes)
        {
            return false;
        }

        var text = Encoding.Latin1.GetString(data);
        var compact = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (char.IsWhiteSpace(ch))
            {
                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '+' or '/' or '='))
            {
                return false;
            }

            compact.Append(ch);
        }

        if (compact.Length % 4 != 0)
        {
            return false;
        }

        try
        {
            decoded = Convert.FromBase64String(compact.ToString());
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    internal static byte[] Gunzip(byte[] data, string source)
    {
        try
        {
            using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = gz.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + n > MaxDecompressedBytes)
                {
                    throw new InvalidDataException($"{source}: gzip user data expands beyond {MaxDecompressedBytes} bytes");
                }

                output.Write(buffer, 0, n);
            }

            // GZipStream stops quietly at a truncated end; the trailer's length field (mod 2^32) catches that.
            var trailer = data.Length >= 18 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4)) : uint.MaxValue;
            if (trailer != unchecked((uint)output.Length))
            {
                throw new InvalidDataException($"{source}: gzip user data is truncated or corrupt (length field {trailer}, decompressed {output.Length} bytes)");
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{source}: corrupt gzip user data: {ex.Message}", ex);
        }
    }
}
