using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// ca_certs with real certificates (openssl): the RPM layout in a root whose update-ca-trust runs through chroot, checked
/// by openssl verifying a server certificate against the rebuilt bundle; and the Debian layout side by side with
/// cloud-init 22.4.2 in its chroot, where both run Debian's real update-ca-certificates.
/// </summary>
public sealed class CaCertsModuleTests : IClassFixture<CloudInitChroot>
{
    // Fedora's update-ca-trust extracts p11-kit's trust into /etc/pki/ca-trust/extracted; this stand-in (busybox sh)
    // builds the TLS bundle from the same sources, which is what the module's effect is checked through.
    private const string UpdateCaTrust = """
        #!/bin/sh
        set -e
        mkdir -p /etc/pki/ca-trust/extracted/pem
        cat /usr/share/pki/ca-trust-source/*.pem /usr/share/pki/ca-trust-source/anchors/* /etc/pki/ca-trust/source/anchors/* > /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem || true
        echo run >> /var/tmp/update-ca-trust.log
        """;

    private readonly CloudInitChroot _chroot;

    public CaCertsModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    [Fact]
    public void Rpm_layout_trusts_the_ca_and_removes_the_defaults()
    {
        using var t = new TestRoot();
        using var pki = new TestPki();
        MakeRpmRoot(t);
        File.WriteAllText(t.Host("/usr/share/pki/ca-trust-source/ca-bundle.pem"), pki.OtherCaPem);
        File.WriteAllText(t.Host("/etc/pki/ca-trust/source/anchors/old.crt"), pki.OtherCaPem);

        t.Seed($"#cloud-config\nca_certs:\n  remove_defaults: true\n  trusted:\n    - |\n{Indent(pki.CaPem, 6)}\n");
        var status = t.Run(execute: true);
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "ca_certs").Result);

        Assert.Equal(pki.CaPem, t["/etc/pki/ca-trust/source/anchors/cloud-init-ca-certs.crt"]);
        Assert.Equal("0:0 644", t.Stat("/etc/pki/ca-trust/source/anchors/cloud-init-ca-certs.crt"));
        Assert.False(File.Exists(t.Host("/usr/share/pki/ca-trust-source/ca-bundle.pem")));
        Assert.False(File.Exists(t.Host("/etc/pki/ca-trust/source/anchors/old.crt")));
        Assert.Equal("run\n", t["/var/tmp/update-ca-trust.log"]);

        // The rebuilt bundle is what TLS clients read: the new CA verifies its server certificate, the removed one does not.
        var bundle = t.Host("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem");
        Assert.Contains(": OK", Tool.Run("openssl", "verify", "-CAfile", bundle, pki.LeafPath), StringComparison.Ordinal);
        Assert.NotEqual(0, Tool.TryRun("openssl", "verify", "-CAfile", bundle, pki.OtherLeafPath).Exit);

        // Per instance: the same instance does not run it again.
        Assert.Equal("already-ran", t.Run(execute: true, bootId: "boot-2").Modules.Single(m => m.Name == "ca_certs").Result);
    }

    [Fact]
    public void A_target_root_gets_the_anchor_now_and_the_bundle_on_its_first_boot()
    {
        using var t = new TestRoot();
        using var pki = new TestPki();
        MakeRpmRoot(t);
        t.Seed($"#cloud-config\nca_certs:\n  trusted: [\"{pki.CaPem.Replace("\n", "\\n", StringComparison.Ordinal)}\"]\n");
        var status = t.Run(execute: false);
        Assert.Equal("deferred", status.Modules.Single(m => m.Name == "ca_certs").Result);
        Assert.Equal(pki.CaPem, t["/etc/pki/ca-trust/source/anchors/cloud-init-ca-certs.crt"]);
        Assert.False(File.Exists(t.Host("/var/tmp/update-ca-trust.log")));

        Assert.Equal("ran", t.Run(execute: true, bootId: "boot-2").Modules.Single(m => m.Name == "ca_certs").Result);
        Assert.Contains(": OK", Tool.Run("openssl", "verify", "-CAfile", t.Host("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"), pki.LeafPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Not_a_certificate_fails_the_module_naming_the_entry()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nca_certs:\n  trusted: [hello]\n");
        var status = t.Run();
        var module = status.Modules.Single(m => m.Name == "ca_certs");
        Assert.Equal("failed", module.Result);
        Assert.Equal("ca_certs.trusted.0: not a PEM certificate (no BEGIN CERTIFICATE line)", module.Error);
    }

    [Fact]
    public async Task Debian_layout_matches_cloud_init_side_by_side()
    {
        using var pki = new TestPki();
        var user = $"#cloud-config\nca_certs:\n  trusted:\n    - |\n{Indent(pki.CaPem, 6)}\n    - |\n{Indent(pki.OtherCaPem, 6)}\n";
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-ca"), user);
        Assert.True(run.RunCloudInit().Count == 0, run.Log.ToString());
        Assert.True(await run.RunKeelAsync() == 0, run.Log.ToString());

        const string file = "/usr/share/ca-certificates/cloud-init-ca-certs.crt";
        Assert.Equal(File.ReadAllText(run.CloudInitRoot + file), File.ReadAllText(run.KeelRoot + file));
        Assert.Equal(pki.CaPem + "\n" + pki.OtherCaPem, File.ReadAllText(run.KeelRoot + file));
        foreach (var root in new[] { run.CloudInitRoot, run.KeelRoot })
        {
            Assert.EndsWith("\ncloud-init-ca-certs.crt\n", File.ReadAllText(root + "/etc/ca-certificates.conf"), StringComparison.Ordinal);
            Assert.Contains(": OK", Tool.Run("openssl", "verify", "-CAfile", root + "/etc/ssl/certs/ca-certificates.crt", pki.LeafPath), StringComparison.Ordinal);
        }

        // /etc (the bundle, the hash links, ca-certificates.conf) comes out the same; only the known differences remain
        // (account-file backups and the DSA host key, see SideBySideTests).
        var unexplained = run.Compare().Where(d => !(d.Path is "/etc/passwd-" or "/etc/group-" or "/etc/shadow-" or "/etc/gshadow-" or "/etc/subuid-" or "/etc/subgid-"
            || (d.Keel is null && d.Path.StartsWith("/etc/ssh/ssh_host_dsa_key", StringComparison.Ordinal)))).ToList();
        Assert.True(unexplained.Count == 0, string.Join("\n", unexplained));
    }

    private static void MakeRpmRoot(TestRoot t)
    {
        foreach (var dir in new[] { "/bin", "/usr/bin", "/var/tmp", "/usr/share/pki/ca-trust-source/anchors", "/etc/pki/ca-trust/source/anchors", "/etc/pki/ca-trust/extracted/pem" })
        {
            Directory.CreateDirectory(t.Host(dir));
        }

        File.Copy("/bin/busybox", t.Host("/bin/busybox"));
        foreach (var applet in new[] { "sh", "cat", "mkdir", "echo" })
        {
            File.CreateSymbolicLink(t.Host("/bin/" + applet), "busybox");
        }

        File.WriteAllText(t.Host("/usr/bin/update-ca-trust"), UpdateCaTrust.Replace("#!/bin/sh", "#!/bin/sh\nPATH=/bin", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(t.Host("/usr/bin/update-ca-trust"), (UnixFileMode)0x1ed);
    }

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.TrimEnd('\n').Split('\n').Select(l => new string(' ', spaces) + l));

    /// <summary>Two throwaway CAs, each with a server certificate, made by the real openssl.</summary>
    private sealed class TestPki : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("keel-pki-").FullName;

        public TestPki()
        {
            (CaPem, LeafPath) = MakeCa("ca");
            (OtherCaPem, OtherLeafPath) = MakeCa("other");
        }

        public string CaPem { get; }

        public string LeafPath { get; }

        public string OtherCaPem { get; }

        public string OtherLeafPath { get; }

        private (string CaPem, string LeafPath) MakeCa(string name)
        {
            string P(string f) => Path.Combine(_dir, $"{name}-{f}");
            Tool.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", P("ca.key"), "-out", P("ca.pem"), "-days", "30", "-subj", $"/CN=Keel test {name} CA");
            Tool.Run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", P("leaf.key"), "-out", P("leaf.csr"), "-subj", $"/CN={name}.example");
            Tool.Run("openssl", "x509", "-req", "-in", P("leaf.csr"), "-CA", P("ca.pem"), "-CAkey", P("ca.key"), "-CAcreateserial", "-out", P("leaf.pem"), "-days", "30");
            return (File.ReadAllText(P("ca.pem")), P("leaf.pem"));
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
