using Keel.Provisioning.Config;
using Keel.Provisioning.Modules;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>resolv_conf: the file compared with what cloud-init 22.4.2's own generate_resolv_conf writes, in its chroot.</summary>
public sealed class ResolvConfModuleTests : IClassFixture<CloudInitChroot>
{
    private readonly CloudInitChroot _chroot;

    public ResolvConfModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    [Theory]
    [InlineData("nameservers: [10.0.0.1, 10.0.0.2]\nsearchdomains: [a.example, b.example]\ndomain: example.com\nsortlist: [10.0.0.0/8, 192.168.0.0/16]\noptions: {rotate: true, timeout: 1, debug: false, ndots: 2}")]
    [InlineData("nameservers: [1.1.1.1]")]
    [InlineData("domain: d.example\noptions: {rotate: true}")]
    [InlineData("searchdomains: [s]\noptions: {attempts: 3, single-request: true}")]
    public void Same_file_as_cloud_init_renders(string yaml)
    {
        var map = (CloudMap)YamlConfigReader.Parse(yaml, "test")!;
        var json = CloudJson.Serialize(map);
        var script = "import json,sys,tempfile\nfrom cloudinit.config.cc_resolv_conf import generate_resolv_conf\n" +
            "f=tempfile.mktemp(); generate_resolv_conf('/etc/cloud/templates/resolv.conf.tmpl', json.loads(sys.argv[1]), f); sys.stdout.write(open(f).read())";
        Assert.Equal(Tool.Run("chroot", _chroot.Path, "python3", "-c", script, json), ResolvConfModule.Render(map));
    }

    [Fact]
    public void Written_in_the_root_per_instance_and_a_warning_without_parameters()
    {
        using var t = new TestRoot();
        // A symlink is written through, as cloud-init's write_file does.
        Directory.CreateDirectory(t.Host("/run/resolv"));
        File.WriteAllText(t.Host("/run/resolv/resolv.conf"), "nameserver 127.0.0.53\n");
        File.CreateSymbolicLink(t.Host("/etc/resolv.conf"), "../run/resolv/resolv.conf");
        t.Seed("#cloud-config\nmanage_resolv_conf: true\nresolv_conf:\n  nameservers: [10.1.1.1]\n  domain: corp.example\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "resolv_conf").Result);
        Assert.EndsWith("#\nnameserver 10.1.1.1\n\ndomain corp.example\n\n", t["/run/resolv/resolv.conf"], StringComparison.Ordinal);
        Assert.Equal("0:0 644", t.Stat("/run/resolv/resolv.conf"));
        Assert.Equal("../run/resolv/resolv.conf", new FileInfo(t.Host("/etc/resolv.conf")).LinkTarget);

        using var bare = new TestRoot();
        bare.Seed("#cloud-config\nmanage_resolv_conf: true\n");
        var status = bare.Run();
        Assert.Equal("nothing-to-do", status.Modules.Single(m => m.Name == "resolv_conf").Result);
        Assert.Contains(status.Warnings, w => w.Message.StartsWith("manage_resolv_conf is true but no resolv_conf parameters", StringComparison.Ordinal));
    }
}
