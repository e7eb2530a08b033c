using System.Globalization;
using System.Text;
using Keel.Sbom.Tests;
using Keel.Tests;

namespace Keel.Advisories.Tests;

/// <summary>An advisory package as a test writes it into updateinfo.xml.</summary>
internal sealed record TestAdvisoryPackage(string Name, string? Epoch, string Version, string Release, string Arch);

/// <summary>An advisory as a test writes it.</summary>
internal sealed record TestAdvisory(string Id, string Type, string Severity, string? Cve, params TestAdvisoryPackage[] Packages);

/// <summary>
/// A copy of the fixture repository whose updateinfo the test writes (modifyrepo_c), optionally with extra packages
/// added first (createrepo_c --update). The built fixture repository itself is never changed.
/// </summary>
internal sealed class AdvisoryRepository : IDisposable
{
    private AdvisoryRepository(string dir) => Dir = dir;

    public string Dir { get; }

    public static AdvisoryRepository Create(IEnumerable<TestAdvisory> advisories, IEnumerable<string>? extraRpms = null)
    {
        var dir = Directory.CreateTempSubdirectory("keel-advisory-repo-").FullName;
        FixtureRoot.Run("cp", ["-a", TestPaths.FixtureRepo + "/.", dir]);
        var extras = extraRpms?.ToArray() ?? [];
        if (extras.Length > 0)
        {
            foreach (var rpm in extras)
            {
                File.Copy(rpm, Path.Combine(dir, "Packages", Path.GetFileName(rpm)));
            }

            FixtureRoot.Run("createrepo_c", ["--update", "--quiet", dir]);
        }
        else
        {
            FixtureRoot.Run("modifyrepo_c", ["--remove", "updateinfo", Path.Combine(dir, "repodata")]);
        }

        var xml = Path.Combine(Path.GetTempPath(), $"updateinfo-{Guid.NewGuid():N}.xml");
        try
        {
            File.WriteAllText(xml, UpdateInfoXml(advisories));
            FixtureRoot.Run("modifyrepo_c", ["--mdtype=updateinfo", xml, Path.Combine(dir, "repodata")]);
        }
        finally
        {
            File.Delete(xml);
        }

        // The copy's repomd.xml changed, so the vendor signature beside it no longer matches: drop it.
        File.Delete(Path.Combine(dir, "repodata", "repomd.xml.asc"));
        return new AdvisoryRepository(dir);
    }

    /// <summary>updateinfo.xml in the layout of tests/fixture-distro/updateinfo.xml.in.</summary>
    public static string UpdateInfoXml(IEnumerable<TestAdvisory> advisories)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<updates>\n");
        foreach (var a in advisories)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  <update from=\"security@keel.invalid\" status=\"stable\" type=\"{a.Type}\" version=\"2.0\">\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <id>{a.Id}</id>\n    <title>{a.Id} test advisory</title>\n");
            sb.Append("    <issued date=\"2025-01-01 12:00:00\"/>\n    <updated date=\"2025-01-02 12:00:00\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <severity>{a.Severity}</severity>\n    <description>test</description>\n    <references>\n");
            if (a.Cve is { } cve)
            {
                sb.Append(CultureInfo.InvariantCulture, $"      <reference href=\"https://nvd.nist.gov/vuln/detail/{cve}\" id=\"{cve}\" type=\"cve\" title=\"{cve}\"/>\n");
            }

            sb.Append("    </references>\n    <pkglist>\n      <collection short=\"test\">\n        <name>test</name>\n");
            foreach (var p in a.Packages)
            {
                var epoch = p.Epoch is null ? string.Empty : $" epoch=\"{p.Epoch}\"";
                sb.Append(CultureInfo.InvariantCulture, $"        <package name=\"{p.Name}\" version=\"{p.Version}\" release=\"{p.Release}\"{epoch} arch=\"{p.Arch}\" src=\"{p.Name}.src.rpm\">\n");
                sb.Append(CultureInfo.InvariantCulture, $"          <filename>{p.Name}-{p.Version}-{p.Release}.{p.Arch}.rpm</filename>\n        </package>\n");
            }

            sb.Append("      </collection>\n    </pkglist>\n  </update>\n");
        }

        return sb.Append("</updates>\n").ToString();
    }

    /// <summary><c>dnf updateinfo list --installroot</c> on <paramref name="root"/> with this repository: (advisory id, package NEVRA) pairs.</summary>
    public SortedSet<string> DnfUpdateInfoList(string root)
    {
        // A cache of its own: dnf must read this copy's metadata, not what it cached for another repository "fx".
        var cache = Directory.CreateTempSubdirectory("keel-dnf-cache-").FullName;
        string output;
        try
        {
            output = FixtureRoot.Run("dnf", [.. FixtureRoot.DnfArgs(root, Dir, cache), "updateinfo", "list"]);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }

        var pairs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            pairs.Add($"{cols[0]} {cols[^1]}");
        }

        return pairs;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
