using System.Globalization;
using System.Text.Json;
using Keel.Rpm;
using Keel.RpmDb;
using Keel.Tests;

namespace Keel.Rpm.Tests;

public class RpmDatabaseTests
{
    private const int SigMd5Tag = 261;

    private static string Line(InstalledPackage p)
    {
        var h = p.Header;
        var m = p.Metadata;
        return string.Join('¶',
            m.Evr.Epoch ?? string.Empty,
            m.Name,
            m.Evr.Version,
            m.Evr.Release,
            m.Arch,
            m.SourceRpm ?? "(none)",
            h.GetNumber(RpmTags.Size)?.ToString(CultureInfo.InvariantCulture) ?? "(none)",
            h.GetString(RpmTags.License) ?? "(none)",
            h.GetString(RpmTags.Vendor) ?? "(none)",
            m.Summary ?? "(none)",
            h.GetBytes(SigMd5Tag) is { } md5 ? Convert.ToHexStringLower(md5) : "(none)");
    }

    private static List<string> Expected(params string[] csv) =>
        [.. File.ReadAllLines(TestPaths.Oracle(csv)).Where(l => l.Length > 0)];

    [Fact]
    public void Cbl_mariner_sqlite_gives_exactly_rpm_qa()
    {
        var dbFile = TestPaths.Oracle("go-rpmdb", "pkg", "testdata", "cbl-mariner-2.0", "rpmdb.sqlite");
        var before = Directory.GetFiles(Path.GetDirectoryName(dbFile)!);
        var db = RpmDatabase.Open(dbFile);
        Assert.Equal(RpmDbFormat.Sqlite, db.Format);
        var expected = Expected("go-rpmdb", "_derived", "cbl-mariner-2.0", "packages.csv");
        Assert.Equal(129, expected.Count);
        Assert.Equal(expected, db.Packages.Select(Line));
        Assert.Equal(before, Directory.GetFiles(Path.GetDirectoryName(dbFile)!));
    }

    [Fact]
    public void Curl_fields_match_curl_json()
    {
        var db = RpmDatabase.Open(TestPaths.Oracle("go-rpmdb", "pkg", "testdata", "cbl-mariner-2.0", "rpmdb.sqlite"));
        var curl = Assert.Single(db.Packages, p => p.Metadata.Name == "curl");
        using var json = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Oracle("go-rpmdb", "pkg", "testdata", "cbl-mariner-2.0", "curl.json")));
        var root = json.RootElement;
        var h = curl.Header;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("Epoch").ValueKind);
        Assert.Null(curl.Metadata.Evr.Epoch);
        Assert.Equal(root.GetProperty("Version").GetString(), curl.Metadata.Evr.Version);
        Assert.Equal(root.GetProperty("Release").GetString(), curl.Metadata.Evr.Release);
        Assert.Equal(root.GetProperty("Arch").GetString(), curl.Metadata.Arch);
        Assert.Equal(root.GetProperty("SourceRpm").GetString(), curl.Metadata.SourceRpm);
        Assert.Equal(root.GetProperty("Size").GetInt64(), curl.Metadata.InstalledSize);
        Assert.Equal(root.GetProperty("Summary").GetString(), curl.Metadata.Summary);
        Assert.Equal(root.GetProperty("SigMD5").GetString(), Convert.ToHexStringLower(h.GetBytes(SigMd5Tag)!));
        Assert.Equal(root.GetProperty("DigestAlgorithm").GetInt32(), h.GetFileDigestAlgorithm());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("InstallTime").GetInt64()), curl.InstallTime);
        var files = h.GetFiles();
        Assert.Equal(Strings(root, "FileDigests"), files.Select(f => f.Digest));
        Assert.Equal(Numbers(root, "FileModes"), files.Select(f => (long)f.Mode));
        Assert.Equal(Numbers(root, "FileSizes"), files.Select(f => f.Size));
        Assert.Equal(Numbers(root, "FileFlags"), files.Select(f => (long)f.Flags));
        Assert.Equal(Strings(root, "UserNames"), files.Select(f => f.User));
        Assert.Equal(Strings(root, "GroupNames"), files.Select(f => f.Group));
        Assert.Equal(Strings(root, "Provides"), curl.Metadata.Provides.Select(d => d.Name));
        Assert.Equal(Strings(root, "Requires"), curl.Metadata.Requires.Select(d => d.Name));
        using var names = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Oracle("go-rpmdb", "pkg", "testdata", "cbl-mariner-2.0", "curl_file_names.json")));
        Assert.Equal(names.RootElement.EnumerateArray().Select(e => e.GetString()), curl.Metadata.Files);
    }

    private static IEnumerable<string?> Strings(JsonElement root, string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetString());

    private static IEnumerable<long> Numbers(JsonElement root, string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetInt64());

    [Fact]
    public void Rpm_misc_sqlite_matches_rpm_qa_on_a_copy()
    {
        var oracle = TestPaths.Oracle("rpm", "tests", "data", "misc", "rpmdb.sqlite");
        var db = RpmDatabase.Open(oracle);
        var names = db.Packages.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["foo", "gpg-pubkey", "hlinktest"], names);

        // rpm may write beside the database it opens, so it queries a copy.
        var temp = Directory.CreateTempSubdirectory("keel-rpmqa").FullName;
        try
        {
            File.Copy(oracle, Path.Combine(temp, "rpmdb.sqlite"));
            var qf = "%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH} %{INSTALLTIME}\n";
            var rpmQa = Tool.Ok("rpm", "-qa", "--dbpath", temp, "--define", "_db_backend sqlite", "--qf", qf)
                .Split('\n').Where(l => l.Length > 0).Order(StringComparer.Ordinal);
            var ours = db.Packages.Select(p =>
                $"{p.Metadata.Name}-{(p.Metadata.Evr.Epoch is { } e ? e + ":" : string.Empty)}{p.Metadata.Evr.Version}-{p.Metadata.Evr.Release}.{p.Metadata.Arch} {p.InstallTime?.ToUnixTimeSeconds()}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(rpmQa, ours);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public void Sle15_ndb_gives_exactly_rpm_qa()
    {
        var db = RpmDatabase.Open(TestPaths.Oracle("go-rpmdb", "pkg", "testdata", "sle15-bci", "Packages.db"));
        Assert.Equal(RpmDbFormat.Ndb, db.Format);
        var expected = Expected("go-rpmdb", "pkg", "testdata", "sle15-bci", "packages.csv");
        Assert.Equal(36, expected.Count);
        Assert.Equal(expected, db.Packages.Select(Line));
    }

    [Fact]
    public void Root_directory_is_searched_and_missing_db_is_named()
    {
        var root = Directory.CreateTempSubdirectory("keel-root").FullName;
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => RpmDatabase.Open(root));
            Assert.Contains(root, e.Message, StringComparison.Ordinal);
            var dir = Directory.CreateDirectory(Path.Combine(root, "usr", "lib", "sysimage", "rpm")).FullName;
            File.Copy(TestPaths.Oracle("rpm", "tests", "data", "misc", "rpmdb.sqlite"), Path.Combine(dir, "rpmdb.sqlite"));
            var db = RpmDatabase.Open(root);
            Assert.Equal(Path.Combine(dir, "rpmdb.sqlite"), db.Path);
            Assert.Equal(3, db.Packages.Count);
            Assert.Equal(["rpmdb.sqlite"], Directory.GetFiles(dir).Select(Path.GetFileName));

            // A Berkeley DB Packages file is refused by name.
            var bdb = Path.Combine(root, "Packages");
            var bytes = new byte[64];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 0x00061561);
            File.WriteAllBytes(bdb, bytes);
            var ne = Assert.Throws<NotSupportedException>(() => RpmDatabase.Open(bdb));
            Assert.StartsWith(bdb + ": Berkeley DB", ne.Message, StringComparison.Ordinal);

            File.WriteAllText(bdb, "not a database at all");
            Assert.Throws<InvalidDataException>(() => RpmDatabase.Open(bdb));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
