using System.Runtime.CompilerServices;
using System.Text;
using Keel.Packaging;
using Keel.Repository.Integrity;

namespace Keel.Repository.Cache;

/// <summary>
/// A compact binary form of parsed primary and filelists data, so a warm load skips XML. Every file starts with
/// magic, format version, kind and the source checksum it was made from. Primary then holds the records (var-int
/// indices into the tables, so each distinct string, EVR and dependency is stored and later allocated once), the
/// string, EVR and dependency tables, the tables' offset and an end marker; filelists holds its records and an end
/// marker. A file that is short, inconsistent or of another version is treated as absent.
/// </summary>
public static class ParsedMetadataCache
{
    private const int FormatVersion = 2;
    private const int MaxCount = 50_000_000;

    // Below the large-object threshold: large buffers count towards the LOH budget, whose overrun forces full GCs.
    private const int BufferSize = 64 * 1024;
    private static ReadOnlySpan<byte> Magic => "KEELPMD\0"u8;
    private static ReadOnlySpan<byte> EndMarker => "KEELEND\0"u8;

    /// <summary>Writes packages parsed from the primary file with checksum <paramref name="source"/>.</summary>
    public static void WritePrimary(string path, Checksum source, IReadOnlyList<PackageMetadata> packages) =>
        KeelCache.WriteAtomically(path, stream => WritePrimary(stream, source, packages));

    /// <summary>Runs once per process over every package, so it is compiled optimized at once (no tier-0 pass).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WritePrimary(Stream stream, Checksum source, IReadOnlyList<PackageMetadata> packages)
    {
        using (var header = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteHeader(header, "primary", source);
        }

        // One pass: records stream out while the tables fill up; the tables follow them, found through the tail.
        long start = stream.Position;
        var w = new CacheBufferWriter(BufferSize, stream);
        var tables = new Tables();
        w.WriteVarInt(packages.Count);
        foreach (var p in packages)
        {
            w.WriteVarInt(tables.S(p.Name));
            w.WriteVarInt(tables.S(p.Arch));
            w.WriteVarInt(tables.E(p.Evr));
            w.WriteVarInt(tables.S(p.Summary));
            w.WriteVarInt(tables.S(p.SourceRpm));
            w.WriteInt64(p.InstalledSize);
            WriteDeps(w, tables, p.Provides);
            WriteDeps(w, tables, p.Requires);
            WriteDeps(w, tables, p.Conflicts);
            WriteDeps(w, tables, p.Obsoletes);
            WriteDeps(w, tables, p.Recommends);
            WriteDeps(w, tables, p.Suggests);
            WriteDeps(w, tables, p.Supplements);
            WriteDeps(w, tables, p.Enhances);
            w.WriteVarInt(p.Files.Count);
            for (int f = 0; f < p.Files.Count; f++)
            {
                w.WriteString(p.Files[f]);
            }

            var loc = p.Location!;
            w.WriteString(loc.Href);
            w.WriteVarInt(tables.S(loc.ChecksumType));
            w.WriteString(loc.Checksum);
            w.WriteInt64(loc.Size);
            w.WriteVarInt(tables.S(loc.BaseUrl));
        }

        long tablesOffset = start + w.Position;
        tables.Write(w);
        w.WriteInt64(tablesOffset);
        w.WriteBytes(EndMarker);
        w.Flush();
    }

    /// <summary>Reads packages cached for <paramref name="source"/>, or null when the file is absent or unusable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<PackageMetadata>? TryReadPrimary(string path, Checksum source, string? repositoryId)
    {
        try
        {
            using var br = OpenChecked(path, "primary", source);
            if (br is null)
            {
                return null;
            }

            // Layout after the header: records, tables, the tables' offset and the end marker.
            long recordsStart = br.BaseStream.Position;
            long tail = br.BaseStream.Length - sizeof(long) - EndMarker.Length;
            if (tail < recordsStart)
            {
                return null;
            }

            var r = new CacheBufferReader(br.BaseStream, BufferSize);
            r.Seek(tail);
            long tablesOffset = r.ReadInt64();
            if (!r.ReadBytes(EndMarker.Length).SequenceEqual(EndMarker) || tablesOffset < recordsStart || tablesOffset > tail)
            {
                return null;
            }

            r.Seek(tablesOffset);
            var strings = ReadStrings(r);
            var evrs = ReadEvrs(r, strings);
            var deps = ReadDependencies(r, strings, evrs);
            if (r.Position != tail)
            {
                return null;
            }

            r.Seek(recordsStart);
            int count = Count(r);
            var result = new List<PackageMetadata>(count);
            for (int i = 0; i < count; i++)
            {
                var name = Str(strings, r.ReadVarInt()) ?? throw new InvalidDataException();
                var arch = Str(strings, r.ReadVarInt()) ?? throw new InvalidDataException();
                var evr = Item(evrs, r.ReadVarInt()) ?? throw new InvalidDataException();
                var summary = Str(strings, r.ReadVarInt());
                var sourceRpm = Str(strings, r.ReadVarInt());
                var installed = r.ReadInt64();
                var provides = ReadDeps(r, deps);
                var requires = ReadDeps(r, deps);
                var conflicts = ReadDeps(r, deps);
                var obsoletes = ReadDeps(r, deps);
                var recommends = ReadDeps(r, deps);
                var suggests = ReadDeps(r, deps);
                var supplements = ReadDeps(r, deps);
                var enhances = ReadDeps(r, deps);
                int fileCount = Count(r);
                var files = fileCount == 0 ? [] : new string[fileCount];
                for (int f = 0; f < fileCount; f++)
                {
                    files[f] = r.ReadString() ?? throw new InvalidDataException();
                }

                var href = r.ReadString() ?? throw new InvalidDataException();
                var checksumType = Str(strings, r.ReadVarInt());
                var checksum = r.ReadString();
                var size = r.ReadInt64();
                var baseUrl = Str(strings, r.ReadVarInt());
                result.Add(new PackageMetadata
                {
                    Name = name,
                    Arch = arch,
                    Evr = evr,
                    Summary = summary,
                    SourceRpm = sourceRpm,
                    InstalledSize = installed,
                    Provides = provides,
                    Requires = requires,
                    Conflicts = conflicts,
                    Obsoletes = obsoletes,
                    Recommends = recommends,
                    Suggests = suggests,
                    Supplements = supplements,
                    Enhances = enhances,
                    Files = files,
                    Location = new PackageLocation(href, checksumType, checksum, size, baseUrl),
                    RepositoryId = repositoryId,
                });
            }

            return r.Position == tablesOffset ? result : null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or ArgumentException or OverflowException or UnauthorizedAccessException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Writes full file lists by pkgid, parsed from the filelists file with checksum <paramref name="source"/>.</summary>
    public static void WriteFilelists(string path, Checksum source, IReadOnlyDictionary<string, string[]> files) =>
        KeelCache.WriteAtomically(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            WriteHeader(w, "filelists", source);
            w.Write(files.Count);
            foreach (var (pkgid, list) in files)
            {
                w.Write(pkgid);
                w.Write(list.Length);
                foreach (var f in list)
                {
                    w.Write(f);
                }
            }

            w.Write(EndMarker);
        });

    /// <summary>Reads cached file lists, or null when the file is absent or unusable.</summary>
    public static Dictionary<string, string[]>? TryReadFilelists(string path, Checksum source)
    {
        try
        {
            using var r = OpenChecked(path, "filelists", source);
            if (r is null)
            {
                return null;
            }

            int count = Count(r);
            var result = new Dictionary<string, string[]>(count, StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                var pkgid = r.ReadString();
                var list = new string[Count(r)];
                for (int f = 0; f < list.Length; f++)
                {
                    list[f] = r.ReadString();
                }

                result[pkgid] = list;
            }

            return CheckEnd(r) ? result : null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or ArgumentException or OverflowException or UnauthorizedAccessException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static void WriteHeader(BinaryWriter w, string kind, Checksum source)
    {
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(kind);
        w.Write(source.ToString());
    }

    private static BinaryReader? OpenChecked(string path, string kind, Checksum source)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        var r = new BinaryReader(fs, new UTF8Encoding(false, throwOnInvalidBytes: true), leaveOpen: false);
        try
        {
            Span<byte> magic = stackalloc byte[8];
            r.BaseStream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic) || r.ReadInt32() != FormatVersion || r.ReadString() != kind || r.ReadString() != source.ToString())
            {
                r.Dispose();
                return null;
            }

            return r;
        }
        catch
        {
            r.Dispose();
            throw;
        }
    }

    private static bool CheckEnd(BinaryReader r)
    {
        Span<byte> end = stackalloc byte[8];
        r.BaseStream.ReadExactly(end);
        return end.SequenceEqual(EndMarker) && r.BaseStream.Position == r.BaseStream.Length;
    }

    private static int Count(BinaryReader r)
    {
        int n = r.ReadInt32();
        return n is < 0 or > MaxCount ? throw new InvalidDataException() : n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Count(CacheBufferReader r)
    {
        // Every counted item takes at least one byte, so a count beyond the rest of the file is damage.
        int n = r.ReadVarInt();
        return n is < 0 or > MaxCount || n > r.Remaining ? throw new InvalidDataException() : n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string[] ReadStrings(CacheBufferReader r)
    {
        var strings = new string[Count(r)];
        for (int i = 0; i < strings.Length; i++)
        {
            strings[i] = r.ReadString() ?? throw new InvalidDataException();
        }

        return strings;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Evr[] ReadEvrs(CacheBufferReader r, string[] strings)
    {
        var evrs = new Evr[Count(r)];
        for (int i = 0; i < evrs.Length; i++)
        {
            var epoch = Str(strings, r.ReadVarInt());
            var version = Str(strings, r.ReadVarInt()) ?? throw new InvalidDataException();
            var release = Str(strings, r.ReadVarInt());
            evrs[i] = new Evr(epoch, version, release);
        }

        return evrs;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Dependency[] ReadDependencies(CacheBufferReader r, string[] strings, Evr[] evrs)
    {
        var deps = new Dependency[Count(r)];
        for (int i = 0; i < deps.Length; i++)
        {
            var name = Str(strings, r.ReadVarInt()) ?? throw new InvalidDataException();
            var flags = (DependencyFlags)r.ReadVarInt();
            var evr = Item(evrs, r.ReadVarInt());
            deps[i] = new Dependency(name, flags, evr);
        }

        return deps;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Dependency[] ReadDeps(CacheBufferReader r, Dependency[] deps)
    {
        int n = Count(r);
        if (n == 0)
        {
            return [];
        }

        var list = new Dependency[n];
        for (int i = 0; i < n; i++)
        {
            list[i] = Item(deps, r.ReadVarInt()) ?? throw new InvalidDataException();
        }

        return list;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteDeps(CacheBufferWriter w, Tables t, IReadOnlyList<Dependency> deps)
    {
        w.WriteVarInt(deps.Count);
        for (int i = 0; i < deps.Count; i++)
        {
            w.WriteVarInt(t.D(deps[i]));
        }
    }

    // Index -1 stands for null; anything else must be inside the table.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? Str(string[] table, int index) => index == -1 ? null : (uint)index < (uint)table.Length ? table[index] : throw new InvalidDataException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T? Item<T>(T[] table, int index)
        where T : class => index == -1 ? null : (uint)index < (uint)table.Length ? table[index] : throw new InvalidDataException();

    /// <summary>String, EVR and dependency tables built while writing.</summary>
    private sealed class Tables
    {
        private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
        private readonly List<string> _stringList = [];
        // By reference: the parser shares identical EVRs and dependencies, and record hashing would dominate the write.
        private readonly Dictionary<Evr, int> _evrs = new(ReferenceEqualityComparer.Instance);
        private readonly List<Evr> _evrList = [];
        private readonly Dictionary<Dependency, int> _deps = new(ReferenceEqualityComparer.Instance);
        private readonly List<Dependency> _depList = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int S(string? s)
        {
            if (s is null)
            {
                return -1;
            }

            if (!_strings.TryGetValue(s, out var i))
            {
                i = _stringList.Count;
                _strings.Add(s, i);
                _stringList.Add(s);
            }

            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int E(Evr? e)
        {
            if (e is null)
            {
                return -1;
            }

            if (!_evrs.TryGetValue(e, out var i))
            {
                S(e.Epoch);
                S(e.Version);
                S(e.Release);
                i = _evrList.Count;
                _evrs.Add(e, i);
                _evrList.Add(e);
            }

            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int D(Dependency d)
        {
            if (!_deps.TryGetValue(d, out var i))
            {
                S(d.Name);
                E(d.Evr);
                i = _depList.Count;
                _deps.Add(d, i);
                _depList.Add(d);
            }

            return i;
        }

        /// <summary>Writes the string, EVR and dependency tables, in the order the reader needs them.</summary>
        public void Write(CacheBufferWriter w)
        {
            w.WriteVarInt(_stringList.Count);
            foreach (var s in _stringList)
            {
                w.WriteString(s);
            }

            w.WriteVarInt(_evrList.Count);
            foreach (var e in _evrList)
            {
                w.WriteVarInt(S(e.Epoch));
                w.WriteVarInt(S(e.Version));
                w.WriteVarInt(S(e.Release));
            }

            w.WriteVarInt(_depList.Count);
            foreach (var d in _depList)
            {
                w.WriteVarInt(S(d.Name));
                w.WriteVarInt((int)d.Flags);
                w.WriteVarInt(E(d.Evr));
            }
        }
    }
}
