using System.Xml;
using Keel.Repository.Xml;

namespace Keel.Repository.Metadata;

/// <summary>Streams filelists.xml, handing each package's pkgid and complete file list to a callback.</summary>
public static class FilelistsReader
{
    /// <summary>Largest decompressed filelists.xml accepted.</summary>
    public const long MaxCharacters = 16L * 1024 * 1024 * 1024;

    /// <summary>Reads every &lt;package&gt;; <paramref name="onPackage"/> receives pkgid and the files (a fresh array).</summary>
    public static void Read(Stream xml, string name, Action<string, string[]> onPackage)
    {
        var nt = new NameTable();
        object package = nt.Add("package"), file = nt.Add("file");
        using var xr = MetadataXmlReader.Create(xml, MetadataXml.Settings(nt, MaxCharacters), name);
        var buffer = new char[1024];
        var files = new List<string>(256);
        try
        {
            if (!xr.ReadToFollowing("filelists"))
            {
                throw new InvalidDataException($"{name}: not a filelists.xml (no <filelists> element)");
            }

            while (xr.Read())
            {
                if (xr.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                MetadataXml.CheckDepth(xr, name);
                if ((object)xr.LocalName != package)
                {
                    MetadataXml.SkipElement(xr, name);
                    continue;
                }

                var pkgid = xr.GetAttribute("pkgid");
                if (string.IsNullOrEmpty(pkgid))
                {
                    throw new InvalidDataException($"{name}: <package> without pkgid at {MetadataXml.Where(xr)}");
                }

                files.Clear();
                foreach (var _ in MetadataXml.ChildElements(xr, name))
                {
                    if ((object)xr.LocalName == file)
                    {
                        files.Add(MetadataXml.ReadText(xr, ref buffer, name).ToString());
                    }
                    else
                    {
                        MetadataXml.SkipElement(xr, name);
                    }
                }

                onPackage(pkgid, files.ToArray());
            }
        }
        catch (XmlException ex)
        {
            throw MetadataXml.Malformed(name, ex);
        }
    }
}
