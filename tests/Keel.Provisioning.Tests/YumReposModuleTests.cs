using System.Diagnostics;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>yum_repos files read back by the real dnf (its Python API over libdnf's ini parser).</summary>
public sealed class YumReposModuleTests
{
    // Prints what dnf itself makes (with $releasever as REL, $basearch as ARCH) of every repository in a reposdir.
    private const string DnfDump = """
        import dnf, sys
        b = dnf.Base(); b.conf.substitutions['releasever'] = 'REL'; b.conf.substitutions['basearch'] = 'ARCH'; b.conf.reposdir = [sys.argv[1]]; b.read_all_repos()
        for r in sorted(b.repos.values(), key=lambda r: r.id):
            print(r.id, '|'.join(r.baseurl), r.metalink, r.mirrorlist, r.enabled, r.gpgcheck, '|'.join(r.gpgkey), r.name, sep='\t')
        """;

    [Fact]
    public void Cloud_inits_documented_example_is_read_by_dnf_as_written()
    {
        using var t = new TestRoot();
        var example = File.ReadAllText(TestPaths.Oracle("cloud-init-HEAD", "doc", "examples", "cloud-config-yum-repo.txt"));
        t.Seed(example);
        var status = t.Run();
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "yum_add_repo").Result);
        Assert.Equal("0:0 644", t.Stat("/etc/yum.repos.d/epel-testing.repo"));

        var fields = Dnf(t.Host("/etc/yum.repos.d")).Single().Split('\t');
        Assert.Equal("epel-testing", fields[0]);
        Assert.Equal("http://download.fedoraproject.org/pub/epel/testing/5/ARCH", fields[1]);
        Assert.Equal("https://mirrors.fedoraproject.org/metalink?repo=epel-REL&arch=ARCH&infra=$infra&content=$contentdir", fields[2]);
        Assert.Equal("https://mirrors.fedoraproject.org/metalink?repo=fedora-REL&", fields[3]);
        Assert.Equal("False", fields[4]);
        Assert.Equal("True", fields[5]);
        Assert.Equal("file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL", fields[6]);
        Assert.Equal("Extra Packages for Enterprise Linux 5 - Testing", fields[7]);
        Assert.Contains("\nfailovermethod=priority\n", t["/etc/yum.repos.d/epel-testing.repo"], StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_booleans_and_existing_files()
    {
        using var t = new TestRoot();
        Directory.CreateDirectory(t.Host("/etc/yum.repos.d"));
        File.WriteAllText(t.Host("/etc/yum.repos.d/mine.repo"), "[mine]\nbaseurl=http://keep/\n");
        t.Seed("""
            #cloud-config
            yum_repos:
              two urls:
                name: Two
                baseurl: [http://a.example/x, http://b.example/y]
                Enabled: true
                gpg-check: false
              mine:
                baseurl: http://replaced/
              nourl:
                name: nothing to fetch from
            """);
        var status = t.Run();
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "yum_add_repo").Result);
        Assert.Contains(status.Warnings, w => w.Source.Contains("yum_repos.nourl", StringComparison.Ordinal));
        Assert.Equal("[mine]\nbaseurl=http://keep/\n", t["/etc/yum.repos.d/mine.repo"]);
        Assert.False(File.Exists(t.Host("/etc/yum.repos.d/nourl.repo")));
        Assert.Contains("\ngpg_check=0\n", t["/etc/yum.repos.d/two_urls.repo"], StringComparison.Ordinal);

        var lines = Dnf(t.Host("/etc/yum.repos.d"));
        Assert.Equal(2, lines.Count);
        var two = lines.Single(l => l.StartsWith("two_urls\t", StringComparison.Ordinal)).Split('\t');
        Assert.Equal("http://a.example/x|http://b.example/y", two[1]);
        Assert.Equal("True", two[4]);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/b")]
    public void Ids_with_path_separators_are_refused_and_nothing_is_written(string id)
    {
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nyum_repos:\n  good:\n    baseurl: http://x/\n  '{id}':\n    baseurl: http://y/\n");
        var status = t.Run();
        var result = status.Modules.Single(m => m.Name == "yum_add_repo");
        Assert.Equal("failed", result.Result);
        Assert.Contains(id, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(t.Host("/etc/yum.repos.d")));
        Assert.False(File.Exists(Path.Combine(t.RootPath, "etc", "evil.repo")));
        Assert.False(File.Exists(t.Host("/var/lib/cloud/instances/iid-1/sem/config_yum_add_repo")));
    }

    [Fact]
    public void A_value_spanning_lines_is_refused()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nyum_repos:\n  r:\n    baseurl: http://x/\n    name: \"a\\n[other]\\nbaseurl=http://evil/\"\n");
        var status = t.Run();
        Assert.Equal("failed", status.Modules.Single(m => m.Name == "yum_add_repo").Result);
        Assert.False(File.Exists(t.Host("/etc/yum.repos.d/r.repo")));
    }

    private static List<string> Dnf(string reposDir)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(DnfDump);
        psi.ArgumentList.Add(reposDir);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "dnf: " + err.GetAwaiter().GetResult());
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
