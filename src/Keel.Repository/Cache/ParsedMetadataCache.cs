using System.Text;
using Keel.Packaging;
using Keel.Repository.Integrity;

namespace Keel.Repository.Cache;

/// <summary>
/// A compact binary form of parsed primary and filelists data, so a warm load skips XML. Layout: magic, format
/// version, kind, the source checksum it was made from, a string table, an EVR table, a dependency table, the
/// records, and an end marker. A file that is short, inconsistent or of another version is treated as absent.
/// </summary>
public static class ParsedMetadataCache
{
    private const int FormatVersion = 1;
    private const int MaxCount = 50_000_000;
    private static ReadOnlySpan<byte> Magic => "KEELPMD\0"u8;
    private static ReadOnlySpan<byte> EndMarker => "KEELEND\0"u8;

    /// <summary>Writes packages parsed from the primary file with checksum <paramref name="source"/>.</summary>
    public static void WritePrimary(string path, Checksum source, IReadOnlyList<PackageMetadata> packages) =>
        KeelCache.WriteAtomically(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            var tables = new Tables();
            foreach (var p in packages)
            {
                tables.Add(p);
            }

            WriteHeader(w, "primary", source);
            tables.Write(w);
            w.Write(packages.Count);
            foreach (var p in packages)
            {
                w.Write(tables.S(p.Name));
                w.Write(tables.S(p.Arch));
                w.Write(tables.E(p.Evr));
                w.Write(tables.S(p.Summary));
                w.Write(tables.S(p.SourceRpm));
                w.Write(p.InstalledSize);
                WriteDeps(w, tables, p.Provides);
                WriteDeps(w, tables, p.Requires);
                WriteDeps(w, tables, p.Conflicts);
                WriteDeps(w, tables, p.Obsoletes);
                WriteDeps(w, tables, p.Recommends);
                WriteDeps(w, tables, p.Suggests);
                WriteDeps(w, tables, p.Supplements);
                WriteDeps(w, tables, p.Enhances);
                w.Write(p.Files.Count);
                foreach (var f in p.Files)
                {
                    w.Write(f);
                }

                var loc = p.Location!;
                w.Write(loc.Href);
                w.Write(tables.S(loc.ChecksumType));
                w.Write(tables.S(loc.Checksum));
                w.Write(loc.Size);
                w.Write(tables.S(loc.BaseUrl));
            }

            w.Write(EndMarker);
        });

    /// <summary>Reads packages cached for <paramref name="source"/>, or null when the file is absent or unusable.</summary>
    public static List<PackageMetadata>? TryReadPrimary(string path, Checksum source, string? repositoryId)
    {
        try
        {
            using var r = OpenChecked(path, "primary", source);
            if (r is null)
            {
                return null;
            }

            var strings = ReadStrings(r);
            var evrs = ReadEvrs(r, strings);
            var deps = ReadDependencies(r, strings, evrs);
            int count = Count(r);
            var result = new List<PackageMetadata>(count);
            for (int i = 0; i < count; i++)
            {
                var name = Str(strings, r.ReadInt32()) ?? throw new InvalidDataException();
                var arch = Str(strings, r.ReadInt32()) ?? throw new InvalidDataException();
                var evr = Item(evrs, r.ReadInt32()) ?? throw new InvalidDataException();
                var summary = Str(strings, r.ReadInt32());
                var sourceRpm = Str(strings, r.ReadInt32());
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
                    files[f] = r.ReadString();
                }

                var href = r.ReadString();
                var checksumType = Str(strings, r.ReadInt32());
                var checksum = Str(strings, r.ReadInt32());
                var size = r.ReadInt64();
                var baseUrl = Str(strings, r.ReadInt32());
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

            return CheckEnd(r) ? result : null;
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

        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1024 * 1024, FileOptions.SequentialScan);
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

    private static string?[] ReadStrings(BinaryReader r)
    {
        var strings = new string?[Count(r)];
        for (int i = 0; i < strings.Length; i++)
        {
            strings[i] = r.ReadString();
        }

        return strings;
    }

    private static Evr[] ReadEvrs(BinaryReader r, string?[] strings)
    {
        var evrs = new Evr[Count(r)];
        for (int i = 0; i < evrs.Length; i++)
        {
            var epoch = Str(strings, r.ReadInt32());
            var version = Str(strings, r.ReadInt32()) ?? throw new InvalidDataException();
            var release = Str(strings, r.ReadInt32());
            evrs[i] = new Evr(epoch, version, release);
        }

        return evrs;
    }

    private static Dependency[] ReadDependencies(BinaryReader r, string?[] strings, Evr[] evrs)
    {
        var deps = new Dependency[Count(r)];
        for (int i = 0; i < deps.Length; i++)
        {
            var name = Str(strings, r.ReadInt32()) ?? throw new InvalidDataException();
            var flags = (DependencyFlags)r.ReadInt32();
            var evr = Item(evrs, r.ReadInt32());
            deps[i] = new Dependency(name, flags, evr);
        }

        return deps;
    }

    private static Dependency[] ReadDeps(BinaryReader r, Dependency[] deps)
    {
        int n = Count(r);
        if (n == 0)
        {
            return [];
        }

        var list = new Dependency[n];
        for (int i = 0; i < n; i++)
        {
            list[i] = Item(deps, r.ReadInt32()) ?? throw new InvalidDataException();
        }

        return list;
    }

    private static void WriteDeps(BinaryWriter w, Tables t, IReadOnlyList<Dependency> deps)
    {
        w.Write(deps.Count);
        foreach (var d in deps)
        {
            w.Write(t.D(d));
        }
    }

    // Index -1 stands for null; anything else must be inside the table.
    private static string? Str(string?[] table, int index) => index == -1 ? null : (uint)index < (uint)table.Length ? table[index] : throw new InvalidDataException();

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

        public void Add(PackageMetadata p)
        {
            S(p.Name);
            S(p.Arch);
            E(p.Evr);
            S(p.Summary);
            S(p.SourceRpm);
            AddAll(p.Provides);
            AddAll(p.Requires);
            AddAll(p.Conflicts);
            AddAll(p.Obsoletes);
            AddAll(p.Recommends);
            AddAll(p.Suggests);
            AddAll(p.Supplements);
            AddAll(p.Enhances);

            S(p.Location?.ChecksumType);
            S(p.Location?.Checksum);
            S(p.Location?.BaseUrl);
        }

        public void AddAll(IReadOnlyList<Dependency> deps)
        {
            for (int i = 0; i < deps.Count; i++)
            {
                D(deps[i]);
            }
        }

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

        public void Write(BinaryWriter w)
        {
            w.Write(_stringList.Count);
            foreach (var s in _stringList)
            {
                w.Write(s);
            }

            w.Write(_evrList.Count);
            foreach (var e in _evrList)
            {
                w.Write(S(e.Epoch));
                w.Write(S(e.Version));
                w.Write(S(e.Release));
            }

            w.Write(_depList.Count);
            foreach (var d in _depList)
            {
                w.Write(S(d.Name));
                w.Write((int)d.Flags);
                w.Write(E(d.Evr));
            }
        }
    }
}
