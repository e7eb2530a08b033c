using System.Xml;

namespace Keel.Provisioning.Datasources.Azure;

/// <summary>The LinuxProvisioningConfigurationSet of Azure's ovf-env.xml (the provisioning CD).</summary>
public sealed record OvfEnvironment(
    string? HostName,
    string? UserName,
    bool HasUserPassword,
    bool? DisableSshPasswordAuthentication,
    IReadOnlyList<string> PublicKeys,
    string? CustomData,
    bool? ProvisionGuestAgent)
{
    /// <summary>The file name on the provisioning medium.</summary>
    public const string FileName = "ovf-env.xml";

    /// <summary>Largest ovf-env.xml read.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const int MaxDepth = 32;

    /// <summary>Reads <c>DIR/ovf-env.xml</c>; null when the file does not exist.</summary>
    public static OvfEnvironment? ReadDirectory(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        // The limit holds while reading: the length of a link to /dev/zero is 0.
        byte[] bytes;
        try
        {
            bytes = UserData.BoundedRead.ReadFile(path, MaxBytes, path);
        }
        catch (Keel.Errors.KeelException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        using var text = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(text.ReadToEnd(), path);
    }

    /// <summary>Parses ovf-env.xml text (DTDs prohibited, depth capped); throws InvalidDataException naming <paramref name="source"/>.</summary>
    public static OvfEnvironment Parse(string xml, string source)
    {
        string? host = null, user = null, custom = null;
        bool hasPassword = false, sawSection = false;
        bool? disableSsh = null, guestAgent = null;
        var keys = new List<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, MaxCharactersInDocument = MaxBytes };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (reader.Depth > MaxDepth)
                {
                    throw new InvalidDataException($"{source}: XML nested deeper than {MaxDepth}");
                }

                switch (reader.LocalName)
                {
                    case "LinuxProvisioningConfigurationSet":
                        sawSection = true;
                        break;
                    case "HostName":
                        host = reader.ReadElementContentAsString().Trim();
                        break;
                    case "UserName":
                        user = reader.ReadElementContentAsString().Trim();
                        break;
                    case "UserPassword":
                        hasPassword = reader.ReadElementContentAsString().Length > 0;
                        break;
                    case "DisableSshPasswordAuthentication":
                        disableSsh = Bool(reader.ReadElementContentAsString());
                        break;
                    case "CustomData":
                        custom = reader.ReadElementContentAsString();
                        break;
                    case "ProvisionGuestAgent":
                        guestAgent = Bool(reader.ReadElementContentAsString());
                        break;
                    case "PublicKey":
                        ReadPublicKey(reader.ReadSubtree(), keys);
                        break;
                }
            }
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"{source}: malformed ovf-env.xml: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        if (!sawSection)
        {
            throw new InvalidDataException($"{source}: no LinuxProvisioningConfigurationSet in ovf-env.xml");
        }

        return new OvfEnvironment(Empty(host), Empty(user), hasPassword, disableSsh, keys, Empty(custom), guestAgent);
    }

    /// <summary>The custom data decoded from base64 (white space ignored); throws InvalidDataException naming <paramref name="source"/>.</summary>
    public byte[]? DecodeCustomData(string source)
    {
        if (CustomData is null)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(string.Concat(CustomData.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{source}: CustomData is not valid base64");
        }
    }

    private static void ReadPublicKey(XmlReader subtree, List<string> keys)
    {
        using (subtree)
        {
            while (subtree.Read())
            {
                // A key given only by fingerprint lives in the wireserver's certificates, which keel-agent does not fetch.
                if (subtree.NodeType == XmlNodeType.Element && subtree.LocalName == "Value" && subtree.ReadElementContentAsString().Trim() is { Length: > 0 } value)
                {
                    keys.Add(value);
                }
            }
        }
    }

    private static bool? Bool(string text) => bool.TryParse(text.Trim(), out var b) ? b : null;

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
