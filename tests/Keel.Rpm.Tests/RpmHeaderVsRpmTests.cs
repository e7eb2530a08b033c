using System.Globalization;
using Keel.Packaging;
using Keel.Tests;

namespace Keel.Rpm.Tests;

/// <summary>Every field Keel reads from a package header, side by side with rpm -qp --queryformat on the same file.</summary>
public class RpmHeaderVsRpmTests
{
    private static readonly (string Kind, RpmDependencyKind Value, string Tag)[] Kinds =
    [
        ("provides", RpmDependencyKind.Provides, "PROVIDE"),
        ("requires", RpmDependencyKind.Requires, "REQUIRE"),
        ("conflicts", RpmDependencyKind.Conflicts, "CONFLICT"),
        ("obsoletes", RpmDependencyKind.Obsoletes, "OBSOLETE"),
        ("recommends", RpmDependencyKind.Recommends, "RECOMMEND"),
        ("suggests", RpmDependencyKind.Suggests, "SUGGEST"),
        ("supplements", RpmDependencyKind.Supplements, "SUPPLEMENT"),
        ("enhances", RpmDependencyKind.Enhances, "ENHANCE"),
    ];

    public static TheoryData<string> Packages()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TestPaths.Oracle("createrepo_c", "tests", "testdata", "packages"), "*.rpm").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(TestPaths.Oracles, f));
        }

        foreach (var f in Directory.GetFiles(TestPaths.Oracle("rpm", "tests", "data", "RPMS"), "*.rpm").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(TestPaths.Oracles, f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Header_fields_match_rpm_query(string relative)
    {
        var path = Path.Combine(TestPaths.Oracles, relative);
        Assert.Equal(FromRpm(path), FromKeel(path));
    }

    [Fact]
    public void Oracle_package_set_is_complete()
    {
        // Guards against a moved oracle directory silently shrinking the theory above.
        Assert.True(Packages().Count >= 18, $"only {Packages().Count} oracle packages found");
    }

    internal static List<string> FromRpm(string path)
    {
        var qf = "N %{NAME}\nE %{EPOCH}\nV %{VERSION}\nR %{RELEASE}\nA %|SOURCERPM?{%{ARCH}}:{src}|\nS %{SOURCERPM}\nZ %{LONGSIZE}\nU %{SUMMARY}\n"
            + "P %|PRETRANS?{1}:{0}|%|PREIN?{1}:{0}|%|POSTIN?{1}:{0}|%|PREUN?{1}:{0}|%|POSTUN?{1}:{0}|%|POSTTRANS?{1}:{0}|\n"
            + "C %|PAYLOADCOMPRESSOR?{%{PAYLOADCOMPRESSOR}}:{gzip}|\n"
            + string.Concat(Kinds.Select(k => $"[{k.Kind} %{{{k.Tag}NAME}}\t%{{{k.Tag}FLAGS}}\t%{{{k.Tag}VERSION}}\n]"))
            + "[F %{FILENAMES}\t%{FILEMODES}\t%{LONGFILESIZES}\t%{FILEDIGESTS}\t%{FILEFLAGS}\t%{FILEUSERNAME}\t%{FILEGROUPNAME}\t%{FILELINKTOS}\n]";
        var output = Tool.Ok("rpm", "-qp", "--nosignature", "--nodigest", "--qf", qf, path);
        return [.. output.Split('\n').Where(l => l.Length > 0)];
    }

    internal static List<string> FromKeel(string path)
    {
        using var reader = RpmPackageReader.Open(path);
        var h = reader.Header;
        PackageMetadata m = h.ToPackageMetadata();
        var s = h.GetScriptlets();
        var lines = new List<string>
        {
            "N " + m.Name,
            "E " + (m.Evr.Epoch ?? "(none)"),
            "V " + m.Evr.Version,
            "R " + m.Evr.Release,
            "A " + m.Arch,
            "S " + (m.SourceRpm ?? "(none)"),
            "Z " + m.InstalledSize.ToString(CultureInfo.InvariantCulture),
            "U " + m.Summary,
            $"P {B(s.PreTrans)}{B(s.Pre)}{B(s.Post)}{B(s.PreUn)}{B(s.PostUn)}{B(s.PostTrans)}",
            "C " + (h.GetString(RpmTags.PayloadCompressor) ?? "gzip"),
        };
        foreach (var (kind, value, _) in Kinds)
        {
            var raw = h.GetDependencies(value);
            var model = value switch
            {
                RpmDependencyKind.Provides => m.Provides,
                RpmDependencyKind.Requires => m.Requires,
                RpmDependencyKind.Conflicts => m.Conflicts,
                RpmDependencyKind.Obsoletes => m.Obsoletes,
                RpmDependencyKind.Recommends => m.Recommends,
                RpmDependencyKind.Suggests => m.Suggests,
                RpmDependencyKind.Supplements => m.Supplements,
                _ => m.Enhances,
            };
            Assert.Equal(raw.Select(r => r.Dependency), model);
            foreach (var d in raw)
            {
                Assert.Equal((DependencyFlags)(d.RawFlags & 0x0e), d.Dependency.Flags);
                lines.Add($"{kind} {d.Dependency.Name}\t{d.RawFlags}\t{d.Dependency.Evr?.ToFullString()}");
            }
        }

        var files = h.GetFiles();
        Assert.Equal(files.Select(f => f.Path), m.Files);
        lines.AddRange(files.Select(f => $"F {f.Path}\t{f.Mode}\t{f.Size}\t{f.Digest}\t{f.Flags}\t{f.User}\t{f.Group}\t{f.LinkTo}"));
        return lines;
    }

    private static string B(bool b) => b ? "1" : "0";
}
