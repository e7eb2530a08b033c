using System.Text.Json;
using Keel.Provisioning.Modules;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// ntp with chrony: the configuration compared byte for byte with what cloud-init 22.4.2's own templater renders from its
/// chrony.conf.rhel template (in the chroot), and the effects in a root: the file, the kept .dist, the service enabled as
/// the real systemctl --root reads it back.
/// </summary>
public sealed class NtpModuleTests : IClassFixture<CloudInitChroot>
{
    private const string Unit = "[Unit]\nDescription=NTP client/server\n[Service]\nType=forking\nExecStart=/usr/sbin/chronyd\n[Install]\nWantedBy=multi-user.target\n";

    private readonly CloudInitChroot _chroot;

    public NtpModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    [Theory]
    [InlineData(new[] { "0.pool.example", "1.pool.example" }, new[] { "time.example" })]
    [InlineData(new string[0], new[] { "10.0.0.1", "ntp.example" })]
    [InlineData(new[] { "pool.example" }, new string[0])]
    public void Configuration_is_what_cloud_init_renders_from_its_rhel_template(string[] pools, string[] servers)
    {
        var parameters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["pools"] = pools, ["servers"] = servers });
        var script = "import json,sys\nfrom cloudinit import templater\n" +
            "sys.stdout.write(templater.render_string(open('/etc/cloud/templates/chrony.conf.rhel.tmpl').read(), json.loads(sys.argv[1])))";
        var rendered = Tool.Run("chroot", _chroot.Path, "python3", "-c", script, parameters);
        Assert.Equal(rendered, NtpModule.Render(servers, pools));
    }

    [Fact]
    public void Chrony_is_configured_and_its_service_enabled()
    {
        using var t = new TestRoot();
        MakeChrony(t);
        File.WriteAllText(t.Host("/etc/chrony.conf"), "pool pool.ntp.org iburst\n");
        t.Seed("#cloud-config\nntp:\n  enabled: true\n  pools: [0.europe.pool.ntp.org]\n  servers: [ntp.internal.example]\n");
        var status = t.Run();
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "ntp").Result);

        Assert.Equal(NtpModule.Render(["ntp.internal.example"], ["0.europe.pool.ntp.org"]), t["/etc/chrony.conf"]);
        Assert.Contains("pool 0.europe.pool.ntp.org iburst\n# servers\nserver ntp.internal.example iburst\n", t["/etc/chrony.conf"], StringComparison.Ordinal);
        Assert.Equal("0:0 644", t.Stat("/etc/chrony.conf"));
        Assert.Equal("pool pool.ntp.org iburst\n", t["/etc/chrony.conf.dist"]);
        Assert.Equal("enabled", Tool.Run("systemctl", "--root", t.RootPath, "is-enabled", "chronyd").Trim());
        Assert.Equal("/usr/lib/systemd/system/chronyd.service", new FileInfo(t.Host("/etc/systemd/system/multi-user.target.wants/chronyd.service")).LinkTarget);
    }

    [Fact]
    public void Without_servers_or_pools_the_global_pool_is_used_and_disabled_does_nothing()
    {
        using var t = new TestRoot();
        MakeChrony(t);
        t.Seed("#cloud-config\nntp: {}\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "ntp").Result);
        Assert.Equal(NtpModule.Render([], ["0.pool.ntp.org", "1.pool.ntp.org", "2.pool.ntp.org", "3.pool.ntp.org"]), t["/etc/chrony.conf"]);

        using var off = new TestRoot();
        MakeChrony(off);
        off.Seed("#cloud-config\nntp: {enabled: false, servers: [a.example]}\n");
        Assert.Equal("nothing-to-do", off.Run().Modules.Single(m => m.Name == "ntp").Result);
        Assert.False(File.Exists(off.Host("/etc/chrony.conf")));
    }

    [Fact]
    public void Chrony_missing_in_a_target_root_is_installed_on_first_boot_and_other_clients_fail()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nntp: {servers: [a.example]}\n");
        var status = t.Run();
        Assert.Equal("deferred", status.Modules.Single(m => m.Name == "ntp").Result);
        Assert.Contains("server a.example iburst", t["/etc/chrony.conf"], StringComparison.Ordinal);

        using var other = new TestRoot();
        other.Seed("#cloud-config\nntp: {ntp_client: systemd-timesyncd, servers: [a.example]}\n");
        var failed = other.Run().Modules.Single(m => m.Name == "ntp");
        Assert.Equal("failed", failed.Result);
        Assert.Equal("ntp.ntp_client 'systemd-timesyncd': keel-agent configures chrony (the RPM distributions' client) only", failed.Error);
    }

    private static void MakeChrony(TestRoot t)
    {
        Directory.CreateDirectory(t.Host("/usr/sbin"));
        Directory.CreateDirectory(t.Host("/usr/lib/systemd/system"));
        File.WriteAllText(t.Host("/usr/sbin/chronyd"), "#!/bin/sh\n");
        File.SetUnixFileMode(t.Host("/usr/sbin/chronyd"), (UnixFileMode)0x1ed);
        File.WriteAllText(t.Host("/usr/lib/systemd/system/chronyd.service"), Unit);
    }
}
