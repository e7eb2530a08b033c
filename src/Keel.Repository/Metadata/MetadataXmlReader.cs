using System.Xml;
using Keel.Repository.Xml;

namespace Keel.Repository.Metadata;

/// <summary>Opens the XmlReader of every rpm-md reader.</summary>
internal static class MetadataXmlReader
{
    /// <summary>
    /// XmlReader.Create already reads the first block to detect the encoding, so a malformed start (a bad byte-order mark,
    /// bytes invalid in the declared encoding) throws here, before each reader's own XmlException handler: found by
    /// bench/fuzz.
    /// </summary>
    public static XmlReader Create(Stream xml, XmlReaderSettings settings, string name)
    {
        try
        {
            return XmlReader.Create(xml, settings, name);
        }
        catch (XmlException ex)
        {
            throw MetadataXml.Malformed(name, ex);
        }
    }
}
