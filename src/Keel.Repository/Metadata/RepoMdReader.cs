using System.Globalization;
using System.Xml;
using Keel.Errors;
using Keel.Repository.Integrity;
using Keel.Repository.Xml;

namespace Keel.Repository.Metadata;

/// <summary>Reads repomd.xml.</summary>
public static class RepoMdReader
{
    /// <summary>repomd.xml is a few kilobytes; anything beyond this is not one.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    /// <summary>Parses repomd.xml from <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static RepoMdDocument Read(Stream stream, string name)
    {
        var nt = new NameTable();
        using var xr = MetadataXml.Create(stream, MetadataXml.Settings(nt, MaxBytes), name);
        var buffer = new char[256];
        string? revision = null;
        var data = new List<RepoMdData>();
        try
        {
            if (!xr.ReadToFollowing("repomd"))
            {
                throw new InvalidDataException($"{name}: not a repomd.xml (no <repomd> element)");
            }

            if (xr.IsEmptyElement)
            {
                return new RepoMdDocument(null, data);
            }

            foreach (var _ in MetadataXml.ChildElements(xr, name))
            {
                switch (xr.LocalName)
                {
                    case "revision":
                        revision = MetadataXml.ReadText(xr, ref buffer, name).Trim().ToString();
                        break;
                    case "data":
                        // createrepo_c only warns about a <data> without a type; such an entry cannot be used, so it is skipped.
                        if (string.IsNullOrEmpty(xr.GetAttribute("type")))
                        {
                            MetadataXml.SkipElement(xr, name);
                        }
                        else
                        {
                            data.Add(ReadData(xr, ref buffer, name));
                        }

                        break;
                    default:
                        MetadataXml.SkipElement(xr, name);
                        break;
                }
            }
        }
        catch (XmlException ex)
        {
            throw MetadataXml.Malformed(name, ex);
        }

        return new RepoMdDocument(revision, data);
    }

    /// <summary>Reads a repomd.xml file.</summary>
    public static RepoMdDocument ReadFile(string path)
    {
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    private static RepoMdData ReadData(XmlReader xr, ref char[] buffer, string name)
    {
        var type = xr.GetAttribute("type")!;

        string? location = null, locationBase = null;
        Checksum? checksum = null, openChecksum = null;
        long? size = null, openSize = null, timestamp = null;
        string what = $"{name} ({type})";
        foreach (var _ in MetadataXml.ChildElements(xr, name))
        {
            switch (xr.LocalName)
            {
                case "location":
                    location = xr.GetAttribute("href");
                    locationBase = xr.GetAttribute("xml:base");
                    MetadataXml.SkipElement(xr, name);
                    break;
                case "checksum":
                    checksum = ReadChecksum(xr, ref buffer, what);
                    break;
                case "open-checksum":
                    openChecksum = ReadChecksum(xr, ref buffer, what);
                    break;
                case "size":
                    size = ReadLong(xr, ref buffer, what);
                    break;
                case "open-size":
                    openSize = ReadLong(xr, ref buffer, what);
                    break;
                case "timestamp":
                    timestamp = ReadLong(xr, ref buffer, what);
                    break;
                default:
                    MetadataXml.SkipElement(xr, name);
                    break;
            }
        }

        if (string.IsNullOrEmpty(location))
        {
            throw new InvalidDataException($"{what}: <data> without <location href>");
        }

        if (checksum is null)
        {
            throw new InvalidDataException($"{what}: <data> without <checksum>; Keel reads no unverified metadata");
        }

        return new RepoMdData(type, location, checksum, openChecksum, size, openSize, timestamp, locationBase);
    }

    private static Checksum ReadChecksum(XmlReader xr, ref char[] buffer, string what)
    {
        var type = xr.GetAttribute("type") ?? throw new InvalidDataException($"{what}: checksum without a type at {MetadataXml.Where(xr)}");
        var hex = MetadataXml.ReadText(xr, ref buffer, what).ToString();
        return Checksum.Create(type, hex, what);
    }

    private static long ReadLong(XmlReader xr, ref char[] buffer, string what)
    {
        var text = MetadataXml.ReadText(xr, ref buffer, what).Trim();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new InvalidDataException($"{what}: '{MessageText.Printable(text)}' is not a number at {MetadataXml.Where(xr)}");
        }

        return value;
    }
}
