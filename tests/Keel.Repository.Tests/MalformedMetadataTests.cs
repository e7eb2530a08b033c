using System.Text;
using Keel.Repository.Metadata;

namespace Keel.Repository.Tests;

/// <summary>Broken and hostile metadata: one-line errors that name the file, quickly, without memory blowup.</summary>
public sealed class MalformedMetadataTests
{
    private static string Modified(string name) => TestSupport.CreaterepoData("modified_repo_files", name);

    private static List<Keel.Packaging.PackageMetadata> ReadPrimary(string path)
    {
        using var s = File.OpenRead(path);
        return PrimaryReader.Read(s, path);
    }

    private static void AssertOneLineNaming(Exception ex, string name)
    {
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void PrimaryWithoutChecksum_IsAnErrorNamingFileAndLine()
    {
        var path = Modified("error_00-primary.xml");
        var ex = Assert.Throws<InvalidDataException>(() => ReadPrimary(path));
        AssertOneLineNaming(ex, path);
        Assert.Contains("fake_bash", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown_element_00-primary.xml")]
    [InlineData("unknown_element_01-primary.xml")]
    [InlineData("unknown_element_02-primary.xml")]
    [InlineData("repo_01_ampersand-primary.xml")]
    [InlineData("multiple_warnings_00-primary.xml")]
    public void PrimaryWithOnlyWarnings_Loads(string name)
    {
        var path = Modified(name);
        var packages = ReadPrimary(path);
        var xml = File.ReadAllText(path);
        var expected = System.Text.RegularExpressions.Regex.Matches(xml, "<package( type=\"[^\"]*\")?>\\s*(<!--[^>]*-->)?\\s*<name>([^<]+)</name>")
            .Select(m => m.Groups[3].Value.Replace("&amp;", "&", StringComparison.Ordinal));
        Assert.Equal(expected, packages.Select(p => p.Name));
    }

    [Fact]
    public void AmpersandEscapes_AreDecoded()
    {
        var packages = ReadPrimary(Modified("repo_01_ampersand-primary.xml"));
        Assert.Contains(packages, p => (p.Summary ?? string.Empty).Contains('&', StringComparison.Ordinal)
            || p.Provides.Any(d => d.Name.Contains('&', StringComparison.Ordinal))
            || p.Files.Any(f => f.Contains('&', StringComparison.Ordinal)));
    }

    [Fact]
    public void FilelistsWithoutPkgid_IsAnError()
    {
        var path = Modified("no_pkgid-filelists.xml");
        using var s = File.OpenRead(path);
        var ex = Assert.Throws<InvalidDataException>(() => FilelistsReader.Read(s, path, (_, _) => { }));
        AssertOneLineNaming(ex, path);
        Assert.Contains("pkgid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepomdWithUntypedData_SkipsThatEntry()
    {
        var path = Modified("missing_type-repomd.xml");
        var doc = RepoMdReader.ReadFile(path);
        Assert.Equal(["filelists", "primary"], doc.Data.Select(d => d.Type));
    }

    [Fact]
    public void LongPrimary_Loads()
    {
        var path = Modified("long_primary.xml");
        var xml = File.ReadAllText(path);
        Assert.Equal(System.Text.RegularExpressions.Regex.Count(xml, "<package type=\"rpm\">"), ReadPrimary(path).Count);
    }

    [Fact]
    public void NotWellFormedXml_IsOneLineWithPosition()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse("<metadata><package type=\"rpm\"><name>x</nme></package></metadata>"));
        AssertOneLineNaming(ex, "test.xml");
        Assert.Contains("malformed XML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BillionLaughs_IsRefused()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? string.Empty : i - 1)};", 10))}\">");
        }

        sb.Append("]><metadata><package><name>&lol9;</name></package></metadata>");
        var ex = Assert.Throws<InvalidDataException>(() => Parse(sb.ToString()));
        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalEntity_IsRefused()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><metadata><package><name>&x;</name></package></metadata>";
        var ex = Assert.Throws<InvalidDataException>(() => Parse(xml));
        Assert.DoesNotContain("root:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalEntity_InComps_IsNotExpanded()
    {
        // Comps files carry a DOCTYPE, so comps ignores DTDs instead of refusing them: entities are still never expanded.
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE comps [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><comps><group><id>&x;</id></group></comps>";
        using var s = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var ex = Assert.Throws<InvalidDataException>(() => CompsReader.Read(s, "comps.xml"));
        Assert.DoesNotContain("root:", ex.Message, StringComparison.Ordinal);
        AssertOneLineNaming(ex, "comps.xml");
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var xml = "<metadata><package type=\"rpm\">" + string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000)) + "</package></metadata>";
        var ex = Assert.Throws<InvalidDataException>(() => Parse(xml));
        Assert.Contains("nesting deeper than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedElement_IsRefusedWithoutReadingItAll()
    {
        // A 64 MB summary, streamed: the reader must stop at its cap rather than buffer the element.
        var head = Encoding.UTF8.GetBytes("<metadata><package type=\"rpm\"><name>x</name><summary>");
        var stream = new RepeatingStream(head, (byte)'a', 64L * 1024 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<Keel.Errors.LimitExceededException>(() => PrimaryReader.Read(stream, "big.xml"));
        Assert.Contains("longer than", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L * 1024 * 1024, "allocated as much as the element");
    }

    private static List<Keel.Packaging.PackageMetadata> Parse(string xml)
    {
        using var s = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        return PrimaryReader.Read(s, "test.xml");
    }

    /// <summary>A header followed by many copies of one byte, generated on the fly.</summary>
    private sealed class RepeatingStream(byte[] head, byte fill, long fillLength) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => head.Length + fillLength;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = 0;
            while (n < count && _position < Length)
            {
                buffer[offset + n++] = _position < head.Length ? head[_position] : fill;
                _position++;
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
