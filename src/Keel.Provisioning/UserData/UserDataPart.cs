namespace Keel.Provisioning.UserData;

/// <summary>One part of processed user data: its media type (as cloud-init names them), file name, payload and merge header.</summary>
public sealed record UserDataPart(string ContentType, string Filename, byte[] Payload, string? MergeType = null, int? LaunchIndex = null)
{
    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}

/// <summary>cloud-init's media types for user-data parts.</summary>
public static class UserDataTypes
{
    /// <summary>#cloud-config.</summary>
    public const string CloudConfig = "text/cloud-config";

    /// <summary>#! scripts.</summary>
    public const string ShellScript = "text/x-shellscript";

    /// <summary>#include.</summary>
    public const string IncludeUrl = "text/x-include-url";

    /// <summary>#include-once.</summary>
    public const string IncludeOnceUrl = "text/x-include-once-url";

    /// <summary>#cloud-config-archive.</summary>
    public const string CloudConfigArchive = "text/cloud-config-archive";

    /// <summary>#cloud-boothook.</summary>
    public const string BootHook = "text/cloud-boothook";

    /// <summary>#part-handler.</summary>
    public const string PartHandler = "text/part-handler";

    /// <summary>#cloud-config-jsonp.</summary>
    public const string CloudConfigJsonp = "text/cloud-config-jsonp";

    /// <summary>## template: jinja.</summary>
    public const string Jinja = "text/jinja2";

    /// <summary>Non-MIME user data before its type is known.</summary>
    public const string NotMultipart = "text/x-not-multipart";

    /// <summary>Plain text.</summary>
    public const string Plain = "text/plain";

    // Longest prefix first, as cloud-init's INCLUSION_SRCH is ordered.
    private static readonly (string Prefix, string Type)[] StartsWith =
    [
        ("## template: jinja", Jinja),
        ("#cloud-config-archive", CloudConfigArchive),
        ("#cloud-config-jsonp", CloudConfigJsonp),
        ("#cloud-boothook", BootHook),
        ("#include-once", IncludeOnceUrl),
        ("#part-handler", PartHandler),
        ("#cloud-config", CloudConfig),
        ("#include", IncludeUrl),
        ("#!", ShellScript),
    ];

    /// <summary>cloud-init's type_from_starts_with: the type named by the first line, matched case-insensitively after leading white space.</summary>
    public static string? FromStartsWith(ReadOnlySpan<byte> payload, string? defaultType = null)
    {
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, true).GetString(payload[..Math.Min(payload.Length, 4096)]);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return defaultType;
        }

        var lc = text.TrimStart().ToLowerInvariant();
        foreach (var (prefix, type) in StartsWith)
        {
            if (lc.StartsWith(prefix, StringComparison.Ordinal))
            {
                return type;
            }
        }

        return defaultType;
    }
}
