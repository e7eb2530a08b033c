using System.Globalization;
using System.Xml;
using Keel.Packaging;
using Keel.Repository.Xml;

namespace Keel.Repository.Metadata;

/// <summary>Reads updateinfo.xml advisories. Unknown elements are ignored; an update without an id is an error.</summary>
public static class UpdateInfoReader
{
    /// <summary>Largest decompressed updateinfo.xml accepted.</summary>
    public const long MaxCharacters = 2L * 1024 * 1024 * 1024;

    private static readonly string[] DateFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss 'UTC'", "yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss"];

    /// <summary>Parses a decompressed updateinfo document; <paramref name="name"/> names it in errors.</summary>
    public static IReadOnlyList<Advisory> Read(Stream xml, string name)
    {
        var nt = new NameTable();
        using var xr = MetadataXmlReader.Create(xml, MetadataXml.Settings(nt, MaxCharacters), name);
        var result = new List<Advisory>();
        var buffer = new char[256];
        try
        {
            if (!xr.ReadToFollowing("updates"))
            {
                throw new InvalidDataException($"{name}: not an updateinfo document (no <updates> element)");
            }

            ForEachChild(xr, name, () =>
            {
                if (xr.LocalName == "update")
                {
                    result.Add(ReadUpdate(xr, name, ref buffer));
                }
                else
                {
                    MetadataXml.SkipElement(xr, name);
                }
            });
        }
        catch (XmlException ex)
        {
            throw MetadataXml.Malformed(name, ex);
        }

        return result;
    }

    private delegate void ChildAction();

    private static Advisory ReadUpdate(XmlReader xr, string name, ref char[] bufferRef)
    {
        var buffer = bufferRef;
        var where = MetadataXml.Where(xr);
        string? type = xr.GetAttribute("type"), status = xr.GetAttribute("status");
        string? id = null, title = null, severity = null, description = null;
        DateTimeOffset? issued = null, updated = null;
        var references = new List<AdvisoryReference>();
        var packages = new List<AdvisoryPackage>();
        string Text() => MetadataXml.ReadText(xr, ref buffer, name).Trim().ToString();
        ForEachChild(xr, name, () =>
        {
            switch (xr.LocalName)
            {
                case "id":
                    id = Text();
                    break;
                case "title":
                    title = Text();
                    break;
                case "severity":
                    severity = Text();
                    break;
                case "description":
                    description = Text();
                    break;
                case "issued":
                    issued = ParseDate(xr.GetAttribute("date"));
                    MetadataXml.SkipElement(xr, name);
                    break;
                case "updated":
                    updated = ParseDate(xr.GetAttribute("date"));
                    MetadataXml.SkipElement(xr, name);
                    break;
                case "references":
                    ForEachChild(xr, name, () =>
                    {
                        if (xr.LocalName == "reference")
                        {
                            references.Add(new AdvisoryReference(xr.GetAttribute("type"), xr.GetAttribute("id"), xr.GetAttribute("title"), xr.GetAttribute("href")));
                        }

                        MetadataXml.SkipElement(xr, name);
                    });
                    break;
                case "pkglist":
                    ForEachChild(xr, name, () =>
                    {
                        if (xr.LocalName != "collection")
                        {
                            MetadataXml.SkipElement(xr, name);
                            return;
                        }

                        ForEachChild(xr, name, () =>
                        {
                            if (xr.LocalName == "package")
                            {
                                packages.Add(ReadPackage(xr, name, Text));
                            }
                            else
                            {
                                MetadataXml.SkipElement(xr, name);
                            }
                        });
                    });
                    break;
                default:
                    MetadataXml.SkipElement(xr, name);
                    break;
            }
        });
        bufferRef = buffer;
        if (string.IsNullOrEmpty(id))
        {
            throw new InvalidDataException($"{name}: <update> without an <id> at {where}");
        }

        return new Advisory(id, type, severity, title, status, issued, updated, description, references, packages);
    }

    private static AdvisoryPackage ReadPackage(XmlReader xr, string name, Func<string> text)
    {
        var where = MetadataXml.Where(xr);
        var pkgName = xr.GetAttribute("name");
        var version = xr.GetAttribute("version");
        var arch = xr.GetAttribute("arch");
        if (string.IsNullOrEmpty(pkgName) || string.IsNullOrEmpty(version) || string.IsNullOrEmpty(arch))
        {
            throw new InvalidDataException($"{name}: advisory <package> without name, version or arch at {where}");
        }

        var epoch = xr.GetAttribute("epoch");
        var release = xr.GetAttribute("release");
        string? fileName = null;
        bool reboot = false;
        ForEachChild(xr, name, () =>
        {
            switch (xr.LocalName)
            {
                case "filename":
                    fileName = text();
                    break;
                case "reboot_suggested":
                    var v = xr.IsEmptyElement ? "true" : text();
                    reboot = v.Equals("true", StringComparison.OrdinalIgnoreCase) || v == "1";
                    MetadataXml.SkipElement(xr, name);
                    break;
                default:
                    MetadataXml.SkipElement(xr, name);
                    break;
            }
        });
        return new AdvisoryPackage(pkgName, new Evr(string.IsNullOrEmpty(epoch) ? null : epoch, version, string.IsNullOrEmpty(release) ? null : release), arch, fileName, reboot);
    }

    private static void ForEachChild(XmlReader xr, string name, ChildAction onChild)
    {
        foreach (var _ in MetadataXml.ChildElements(xr, name))
        {
            onChild();
        }
    }

    /// <summary>updateinfo dates are "YYYY-MM-DD HH:MM:SS" (UTC) or, in some generators, seconds since the epoch; anything else is kept as unknown.</summary>
    private static DateTimeOffset? ParseDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253402300800)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d
            : null;
    }
}
