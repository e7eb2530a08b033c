using System.Text;
using Keel.Errors;

namespace Keel.Repository.Xml;

/// <summary>
/// Passes decoded XML text through to the parser and refuses it once more than a set number of characters follow the
/// last '&lt;': in well-formed XML that bounds every tag and attribute value, so a hostile one is refused after a few
/// megabytes instead of being buffered whole by XmlReader.
/// </summary>
internal sealed class MarkupRunLimitReader(TextReader inner, string name, long maxRun) : TextReader
{
    private long _run;
    private long _position;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (DecoderFallbackException ex)
        {
            throw NotUtf8(ex);
        }

        var chunk = buffer[..n];
        int first = chunk.IndexOf('<');
        if (first < 0)
        {
            _run += n;
            Check(_run, n);
        }
        else
        {
            Check(_run + first, first);
            _run = n - chunk.LastIndexOf('<') - 1;
        }

        _position += n;
        return n;
    }

    public override int Read()
    {
        int c;
        try
        {
            c = inner.Read();
        }
        catch (DecoderFallbackException ex)
        {
            throw NotUtf8(ex);
        }

        if (c == '<')
        {
            _run = 0;
        }
        else if (c >= 0)
        {
            Check(++_run, 1);
        }

        _position += c >= 0 ? 1 : 0;
        return c;
    }

    public override int Peek()
    {
        try
        {
            return inner.Peek();
        }
        catch (DecoderFallbackException ex)
        {
            throw NotUtf8(ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check(long run, int consumed)
    {
        if (run > maxRun)
        {
            throw new LimitExceededException(
                name,
                $"{name}: more than {maxRun} characters without markup before character {_position + consumed}: a tag, attribute or text that long is refused",
                "the metadata is corrupt or hostile; regenerate it with createrepo_c");
        }
    }

    // XmlReader reports invalid bytes as malformed XML; decoding here must keep that one-line, typed error.
    private InvalidDataException NotUtf8(DecoderFallbackException ex) =>
        new($"{name}: not valid UTF-8 near character {_position}: {ex.Message.ReplaceLineEndings(" ")}", ex);
}
