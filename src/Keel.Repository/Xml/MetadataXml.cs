using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using Keel.Errors;

namespace Keel.Repository.Xml;

/// <summary>Hardened XmlReader settings and bounded reading helpers shared by every rpm-md metadata reader.</summary>
internal static class MetadataXml
{
    /// <summary>No rpm-md document nests anywhere near this deep; a deeper one is hostile or broken.</summary>
    public const int MaxDepth = 64;

    /// <summary>Longest text or attribute value accepted (an updateinfo description is the longest real one).</summary>
    public const int MaxTextLength = 4 * 1024 * 1024;

    /// <summary>
    /// Longest run of characters without a '&lt;' that reaches the parser. XmlReader buffers a whole start tag, with all
    /// its attributes, before it returns the element; since '&lt;' cannot occur inside an attribute value or a tag, this
    /// bounds every tag (and so every attribute) while the bytes are decoded, long before the parser holds them. Room is
    /// left for the longest text the readers accept, so an overlong text still gets their more precise message.
    /// </summary>
    public const long MaxMarkupRun = 2L * MaxTextLength;

    /// <summary>
    /// An XmlReader over UTF-8 <paramref name="xml"/> with <paramref name="settings"/>, whose input is cut off with a
    /// <see cref="LimitExceededException"/> naming <paramref name="name"/> as soon as a run exceeds <see cref="MaxMarkupRun"/>.
    /// </summary>
    public static XmlReader Create(Stream xml, XmlReaderSettings settings, string name)
    {
        var text = new StreamReader(xml, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, 64 * 1024, leaveOpen: !settings.CloseInput);
        var capped = new MarkupRunLimitReader(text, name, MaxMarkupRun);
        var own = settings.Clone();
        own.CloseInput = true; // closes the capped reader, which leaves xml open unless settings asked otherwise
        try
        {
            return XmlReader.Create(capped, own, name);
        }
        catch (XmlException ex)
        {
            // Create may read the start of the document already (found by bench/fuzz: a bad start threw here, outside
            // each reader's own XmlException handler).
            capped.Dispose();
            throw Malformed(name, ex);
        }
    }

    /// <summary>
    /// Settings that never resolve or expand anything: no DTD processing, no resolver, no entity characters.
    /// <paramref name="ignoreDoctype"/> is for comps, whose real files carry a DOCTYPE line: it is skipped, never read.
    /// </summary>
    public static XmlReaderSettings Settings(XmlNameTable nameTable, long maxCharacters, bool ignoreDoctype = false) => new()
    {
        DtdProcessing = ignoreDoctype ? DtdProcessing.Ignore : DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = maxCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
        NameTable = nameTable,
        CheckCharacters = true,
    };

    /// <summary>Throws when the reader is deeper than <see cref="MaxDepth"/>.</summary>
    public static void CheckDepth(XmlReader reader, string name)
    {
        if (reader.Depth > MaxDepth)
        {
            throw new InvalidDataException($"{name}: XML nesting deeper than {MaxDepth} at {Where(reader)}");
        }
    }

    /// <summary>
    /// Moves to each child element of the current element in turn, checking the depth cap; the caller reads or skips
    /// each one. Ends on the current element's end tag (at once for an empty element).
    /// </summary>
    public static IEnumerable<XmlReader> ChildElements(XmlReader reader, string name)
    {
        if (reader.IsEmptyElement)
        {
            yield break;
        }

        int depth = reader.Depth;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
            {
                yield break;
            }

            if (reader.NodeType == XmlNodeType.Element)
            {
                CheckDepth(reader, name);
                yield return reader;
            }
        }
    }

    /// <summary>Skips the current element and its content, enforcing the depth cap (XmlReader.Skip would not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SkipElement(XmlReader reader, string name)
    {
        if (reader.NodeType != XmlNodeType.Element || reader.IsEmptyElement)
        {
            return;
        }

        int depth = reader.Depth;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                CheckDepth(reader, name);
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads the text of the current element into <paramref name="buffer"/> (grown as needed, capped at
    /// <see cref="MaxTextLength"/>) and leaves the reader on its end tag. Child elements are skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<char> ReadText(XmlReader reader, ref char[] buffer, string name)
    {
        if (reader.IsEmptyElement)
        {
            return [];
        }

        int depth = reader.Depth;
        int length = 0;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                    while (true)
                    {
                        if (length == buffer.Length)
                        {
                            if (buffer.Length >= MaxTextLength)
                            {
                                throw new LimitExceededException(name, $"{name}: text of <{reader.LocalName}> longer than {MaxTextLength} characters at {Where(reader)}");
                            }

                            Array.Resize(ref buffer, Math.Min(MaxTextLength, buffer.Length * 2));
                        }

                        int n = reader.ReadValueChunk(buffer, length, buffer.Length - length);
                        if (n == 0)
                        {
                            break;
                        }

                        length += n;
                    }

                    break;
                case XmlNodeType.Element:
                    CheckDepth(reader, name);
                    SkipElement(reader, name);
                    break;
                case XmlNodeType.EndElement when reader.Depth == depth:
                    return buffer.AsSpan(0, length);
            }
        }

        throw new InvalidDataException($"{name}: document ends inside an element");
    }

    /// <summary>The line and column of the reader, for error messages.</summary>
    public static string Where(XmlReader reader) =>
        reader is IXmlLineInfo li && li.HasLineInfo() ? $"line {li.LineNumber}, column {li.LinePosition}" : "unknown position";

    /// <summary>Turns a parser exception into the one-line InvalidDataException every reader throws.</summary>
    public static InvalidDataException Malformed(string name, XmlException ex) =>
        new($"{name}: malformed XML: {MessageText.Printable(ex.Message, 300)}", ex);
}
