using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;
using Keel.Errors;
using Keel.Packaging;
using Keel.Repository.Xml;

namespace Keel.Repository.Metadata;

/// <summary>
/// Streams primary.xml into <see cref="PackageMetadata"/> in one pass: names, versions and dependencies are
/// shared through a per-load pool, and nothing but the current package is held besides the result.
/// </summary>
public sealed class PrimaryReader
{
    /// <summary>Largest decompressed primary.xml accepted (real ones are a few hundred MB at most).</summary>
    public const long MaxCharacters = 8L * 1024 * 1024 * 1024;

    private const int MaxPackagesHint = 1_000_000;
    private const int MaxPoolReservePackages = 100_000;

    private readonly XmlReader _xr;
    private readonly string _name;
    private readonly string? _repositoryId;
    private readonly DependencyPool _pool;
    private readonly List<Dependency> _deps = new(64);
    private readonly List<string> _files = new(64);
    private char[] _buffer = new char[1024];

    // Atomized element and attribute names: compared by reference, which is how a NameTable is meant to be used.
    private readonly object _package, _nameEl, _arch, _version, _checksum, _summary, _size, _location, _format,
        _sourcerpm, _provides, _requires, _conflicts, _obsoletes, _recommends, _suggests, _supplements, _enhances,
        _entry, _file, _epoch, _ver, _rel, _flags, _pre, _type, _pkgid, _href, _base, _installed, _packageAttr;

    private PrimaryReader(XmlReader xr, XmlNameTable nt, string name, string? repositoryId, DependencyPool pool)
    {
        _xr = xr;
        _name = name;
        _repositoryId = repositoryId;
        _pool = pool;
        _package = nt.Add("package");
        _nameEl = nt.Add("name");
        _arch = nt.Add("arch");
        _version = nt.Add("version");
        _checksum = nt.Add("checksum");
        _summary = nt.Add("summary");
        _size = nt.Add("size");
        _location = nt.Add("location");
        _format = nt.Add("format");
        _sourcerpm = nt.Add("sourcerpm");
        _provides = nt.Add("provides");
        _requires = nt.Add("requires");
        _conflicts = nt.Add("conflicts");
        _obsoletes = nt.Add("obsoletes");
        _recommends = nt.Add("recommends");
        _suggests = nt.Add("suggests");
        _supplements = nt.Add("supplements");
        _enhances = nt.Add("enhances");
        _entry = nt.Add("entry");
        _file = nt.Add("file");
        _epoch = nt.Add("epoch");
        _ver = nt.Add("ver");
        _rel = nt.Add("rel");
        _flags = nt.Add("flags");
        _pre = nt.Add("pre");
        _type = nt.Add("type");
        _pkgid = nt.Add("pkgid");
        _href = nt.Add("href");
        _base = nt.Add("base");
        _installed = nt.Add("installed");
        _packageAttr = _package;
    }

    /// <summary>
    /// Reads every package of a decompressed primary.xml. <paramref name="repositoryId"/> is stamped on each package;
    /// <paramref name="name"/> names the file in errors.
    /// </summary>
    public static List<PackageMetadata> Read(Stream xml, string name, string? repositoryId = null)
    {
        var nt = new NameTable();
        using var xr = MetadataXml.Create(xml, MetadataXml.Settings(nt, MaxCharacters), name);
        var reader = new PrimaryReader(xr, nt, name, repositoryId, new DependencyPool());
        try
        {
            return reader.ReadAll();
        }
        catch (XmlException ex)
        {
            throw MetadataXml.Malformed(name, ex);
        }
    }

    private List<PackageMetadata> ReadAll()
    {
        var xr = _xr;
        if (!xr.ReadToFollowing("metadata"))
        {
            throw new InvalidDataException($"{_name}: not a primary.xml (no <metadata> element)");
        }

        int hint = 0;
        if (xr.GetAttribute("packages") is { } countText && int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            hint = Math.Min(count, MaxPackagesHint);
            // The count is only a claim: reserve pool space for at most a large distribution's worth up front.
            _pool.Reserve(Math.Min(hint, MaxPoolReservePackages));
        }

        var result = new List<PackageMetadata>(hint);
        if (xr.IsEmptyElement)
        {
            return result;
        }

        while (xr.Read())
        {
            if (xr.NodeType == XmlNodeType.Element)
            {
                if ((object)xr.LocalName == _package)
                {
                    // createrepo_c warns about, and drops, packages of a type other than rpm; a missing type is read.
                    var type = xr.GetAttribute("type");
                    if (type is null || type == "rpm")
                    {
                        result.Add(ReadPackage());
                    }
                    else
                    {
                        MetadataXml.SkipElement(xr, _name);
                    }
                }
                else
                {
                    // Like createrepo_c, an unknown wrapper element is looked into, not skipped: packages inside still count.
                    MetadataXml.CheckDepth(xr, _name);
                }
            }
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private PackageMetadata ReadPackage()
    {
        var xr = _xr;
        int line = xr is IXmlLineInfo li ? li.LineNumber : 0;
        string? name = null, arch = null, summary = null, sourceRpm = null, href = null, baseUrl = null;
        string? checksumType = null, checksum = null;
        Evr? evr = null;
        long packageSize = 0, installedSize = 0;
        Dependency[] provides = [], requires = [], conflicts = [], obsoletes = [], recommends = [], suggests = [], supplements = [], enhances = [];
        _files.Clear();
        int depth = xr.Depth;
        if (!xr.IsEmptyElement)
        {
            while (xr.Read())
            {
                var node = xr.NodeType;
                if (node == XmlNodeType.EndElement)
                {
                    if (xr.Depth == depth)
                    {
                        break;
                    }

                    continue;
                }

                if (node != XmlNodeType.Element)
                {
                    continue;
                }

                var local = (object)xr.LocalName;
                if (xr.Depth == depth + 1)
                {
                    if (local == _nameEl)
                    {
                        name = _pool.Strings.Intern(Text());
                    }
                    else if (local == _arch)
                    {
                        arch = _pool.Strings.Intern(Text());
                    }
                    else if (local == _version)
                    {
                        evr = ReadEvrAttributes(required: true);
                        Skip();
                    }
                    else if (local == _checksum)
                    {
                        checksumType = _pool.Strings.Intern(Attribute(_type));
                        checksum = Text().Trim().ToString();
                    }
                    else if (local == _summary)
                    {
                        // Interned: many packages share a summary ("transitional package", "debug symbols for ...").
                        summary = _pool.Strings.Intern(Text());
                    }
                    else if (local == _size)
                    {
                        packageSize = LongAttribute(_packageAttr);
                        installedSize = LongAttribute(_installed);
                        Skip();
                    }
                    else if (local == _location)
                    {
                        href = Attribute(_href).ToString();
                        var b = Attribute(_base);
                        baseUrl = b.IsEmpty ? null : b.ToString();
                        Skip();
                    }
                    else if (local != _format)
                    {
                        MetadataXml.CheckDepth(xr, _name);
                        Skip();
                    }

                    // <format>: its children are read at depth + 2 by the branch below.
                }
                else if (xr.Depth == depth + 2)
                {
                    if (local == _file)
                    {
                        _files.Add(Text().ToString());
                    }
                    else if (local == _sourcerpm)
                    {
                        var s = Text();
                        sourceRpm = s.IsEmpty ? null : s.ToString();
                    }
                    else if (local == _provides)
                    {
                        provides = ReadEntries();
                    }
                    else if (local == _requires)
                    {
                        requires = ReadEntries();
                    }
                    else if (local == _conflicts)
                    {
                        conflicts = ReadEntries();
                    }
                    else if (local == _obsoletes)
                    {
                        obsoletes = ReadEntries();
                    }
                    else if (local == _recommends)
                    {
                        recommends = ReadEntries();
                    }
                    else if (local == _suggests)
                    {
                        suggests = ReadEntries();
                    }
                    else if (local == _supplements)
                    {
                        supplements = ReadEntries();
                    }
                    else if (local == _enhances)
                    {
                        enhances = ReadEntries();
                    }
                    else
                    {
                        Skip();
                    }
                }
                else
                {
                    MetadataXml.CheckDepth(xr, _name);
                    Skip();
                }
            }
        }

        if (name is null || arch is null || evr is null)
        {
            throw new InvalidDataException($"{_name}: package at line {line} lacks <name>, <arch> or <version>");
        }

        if (checksum is null || checksumType is null || href is null)
        {
            throw new InvalidDataException($"{_name}: package {name} at line {line} lacks <checksum> or <location>");
        }

        return new PackageMetadata
        {
            Name = name,
            Arch = arch,
            Evr = evr,
            Summary = summary,
            SourceRpm = sourceRpm,
            InstalledSize = installedSize,
            Provides = provides,
            Requires = requires,
            Conflicts = conflicts,
            Obsoletes = obsoletes,
            Recommends = recommends,
            Suggests = suggests,
            Supplements = supplements,
            Enhances = enhances,
            Files = _files.Count == 0 ? [] : _files.ToArray(),
            Location = new PackageLocation(href, checksumType, checksum, packageSize, baseUrl),
            RepositoryId = _repositoryId,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Dependency[] ReadEntries()
    {
        var xr = _xr;
        if (xr.IsEmptyElement)
        {
            return [];
        }

        _deps.Clear();
        int depth = xr.Depth;
        while (xr.Read())
        {
            var node = xr.NodeType;
            if (node == XmlNodeType.EndElement && xr.Depth == depth)
            {
                break;
            }

            if (node != XmlNodeType.Element)
            {
                continue;
            }

            if ((object)xr.LocalName != _entry)
            {
                MetadataXml.CheckDepth(xr, _name);
                Skip();
                continue;
            }

            string? name = null, epoch = null, ver = null, rel = null;
            var flags = DependencyFlags.Any;
            if (xr.MoveToFirstAttribute())
            {
                do
                {
                    var attr = (object)xr.LocalName;
                    if (attr == _nameEl)
                    {
                        name = _pool.Strings.Intern(Value());
                    }
                    else if (attr == _flags)
                    {
                        flags = ParseFlags(Value()) | (flags & RpmMdFlags.PreRequire);
                    }
                    else if (attr == _epoch)
                    {
                        epoch = _pool.Strings.Intern(Value());
                    }
                    else if (attr == _ver)
                    {
                        ver = _pool.Strings.Intern(Value());
                    }
                    else if (attr == _rel)
                    {
                        rel = _pool.Strings.Intern(Value());
                    }
                    else if (attr == _pre)
                    {
                        var v = Value();
                        if (v is "1" or "true")
                        {
                            flags |= RpmMdFlags.PreRequire;
                        }
                    }
                }
                while (xr.MoveToNextAttribute());
                xr.MoveToElement();
            }

            if (string.IsNullOrEmpty(name))
            {
                throw new InvalidDataException($"{_name}: dependency entry without a name at {MetadataXml.Where(xr)}");
            }

            Evr? evr = ver is null ? null : _pool.Evr(epoch, ver, rel);
            if ((flags & DependencyFlags.SenseMask) != DependencyFlags.Any && evr is null)
            {
                throw new InvalidDataException($"{_name}: dependency '{MessageText.Printable(name)}' has flags but no ver at {MetadataXml.Where(xr)}");
            }

            _deps.Add(_pool.Dependency(name, flags, evr));
            Skip();
        }

        return _deps.Count == 0 ? [] : _deps.ToArray();
    }

    private Evr? ReadEvrAttributes(bool required)
    {
        var xr = _xr;
        string? epoch = null, ver = null, rel = null;
        if (xr.MoveToFirstAttribute())
        {
            do
            {
                var attr = (object)xr.LocalName;
                if (attr == _epoch)
                {
                    epoch = _pool.Strings.Intern(Value());
                }
                else if (attr == _ver)
                {
                    ver = _pool.Strings.Intern(Value());
                }
                else if (attr == _rel)
                {
                    rel = _pool.Strings.Intern(Value());
                }
            }
            while (xr.MoveToNextAttribute());
            xr.MoveToElement();
        }

        if (ver is null)
        {
            return required ? throw new InvalidDataException($"{_name}: <version> without ver at {MetadataXml.Where(xr)}") : null;
        }

        return _pool.Evr(epoch, ver, rel);
    }

    private DependencyFlags ParseFlags(ReadOnlySpan<char> text) => text switch
    {
        "EQ" => DependencyFlags.Equal,
        "LT" => DependencyFlags.Less,
        "LE" => DependencyFlags.Less | DependencyFlags.Equal,
        "GT" => DependencyFlags.Greater,
        "GE" => DependencyFlags.Greater | DependencyFlags.Equal,
        _ => throw new InvalidDataException($"{_name}: unknown dependency flags '{MessageText.Printable(text)}' at {MetadataXml.Where(_xr)}"),
    };

    /// <summary>The current attribute's value, copied into the shared buffer without allocating a string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<char> Value()
    {
        var xr = _xr;
        int length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (_buffer.Length >= MetadataXml.MaxTextLength)
                {
                    throw new LimitExceededException(_name, $"{_name}: attribute {xr.LocalName} longer than {MetadataXml.MaxTextLength} characters at {MetadataXml.Where(xr)}");
                }

                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            int n = xr.ReadValueChunk(_buffer, length, _buffer.Length - length);
            if (n == 0)
            {
                return _buffer.AsSpan(0, length);
            }

            length += n;
        }
    }

    private ReadOnlySpan<char> Attribute(object atom)
    {
        var xr = _xr;
        if (!xr.MoveToFirstAttribute())
        {
            return [];
        }

        do
        {
            if ((object)xr.LocalName == atom)
            {
                var v = Value();
                xr.MoveToElement();
                return v;
            }
        }
        while (xr.MoveToNextAttribute());
        xr.MoveToElement();
        return [];
    }

    private long LongAttribute(object atom)
    {
        var text = Attribute(atom);
        if (text.IsEmpty)
        {
            return 0;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{_name}: '{MessageText.Printable(text)}' is not a number at {MetadataXml.Where(_xr)}");
    }

    private ReadOnlySpan<char> Text() => MetadataXml.ReadText(_xr, ref _buffer, _name);

    private void Skip() => MetadataXml.SkipElement(_xr, _name);
}
