using Keel.Compression;

namespace Keel.Rpm;

/// <summary>
/// Reads an RPM file in order: lead, signature header, main header, then hands out the payload as a stream.
/// Nothing beyond the headers is buffered.
/// </summary>
public sealed class RpmPackageReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private bool _payloadTaken;

    /// <summary>Reads the lead and both headers from <paramref name="stream"/>, positioned at the start of the package.</summary>
    public RpmPackageReader(Stream stream, string sourceName, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        _stream = stream;
        _leaveOpen = leaveOpen;
        SourceName = sourceName;
        Span<byte> lead = stackalloc byte[RpmLead.Size];
        int n = stream.ReadAtLeast(lead, RpmLead.Size, throwOnEndOfStream: false);
        Lead = RpmLead.Parse(lead[..n], sourceName);
        Signature = RpmHeader.Read(stream, sourceName, signatureHeader: true);

        // The signature header is padded so the main header starts on an 8-byte boundary.
        int pad = (8 - (Signature.Image.Length % 8)) % 8;
        Span<byte> padding = stackalloc byte[8];
        if (stream.ReadAtLeast(padding[..pad], pad, throwOnEndOfStream: false) < pad)
        {
            throw new InvalidDataException($"{sourceName}: file ends after the signature header (truncated)");
        }

        Header = RpmHeader.Read(stream, sourceName, signatureHeader: false);
        HeaderOffset = RpmLead.Size + Signature.Image.Length + pad;
    }

    /// <summary>Opens <paramref name="path"/> and reads its headers.</summary>
    public static RpmPackageReader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        try
        {
            return new RpmPackageReader(file, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public string SourceName { get; }

    public RpmLead Lead { get; }

    /// <summary>The signature header (digests and signatures).</summary>
    public RpmHeader Signature { get; }

    /// <summary>The main header (everything about the package).</summary>
    public RpmHeader Header { get; }

    /// <summary>Byte offset of the main header in the file; the payload follows it.</summary>
    public long HeaderOffset { get; }

    /// <summary>The payload compression named by the header (gzip when the tag is missing, as rpm assumes).</summary>
    public CompressionKind PayloadCompression => RpmPayload.CompressionOf(Header, SourceName);

    /// <summary>The compressed payload: the rest of the file. Can be taken once; the reader keeps ownership of the file.</summary>
    public Stream OpenRawPayload()
    {
        if (_payloadTaken)
        {
            throw new InvalidOperationException("the payload of " + SourceName + " has already been opened");
        }

        _payloadTaken = true;
        return new NonClosingStream(_stream);
    }

    /// <summary>The decompressed payload (a cpio archive for every payload format rpm writes today).</summary>
    public Stream OpenPayload() => Decompression.Open(OpenRawPayload(), PayloadCompression, SourceName + " payload");

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
