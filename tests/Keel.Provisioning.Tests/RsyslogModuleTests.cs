using System.Text.Json;
using Keel.Provisioning.Modules;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// rsyslog: remote lines compared with cloud-init 22.4.2's own parser run in its chroot; the same seed applied side by
/// side by cloud-init and keel-agent (the files in /etc/rsyslog.d identical, nothing else different); a target root's
/// files, modes, custom directory and the legacy list form.
/// </summary>
public sealed class RsyslogModuleTests : IClassFixture<CloudInitChroot>
{
    private const string Seed = """
        #cloud-config
        rsyslog:
          remotes:
            maas: "192.168.1.1"
            juju: "10.0.4.1"
            tcp_v6: "*.err @@[fd00::1]:10514"
            commented: "kern.* @logs.example.com:1514 # kernel"
            off: null
          configs:
            - "*.* @@10.0.0.1:514"
            - content: |
                module(load="imtcp")
                input(type="imtcp" port="514")
              filename: 10-input.conf
            - content: "$template Plain,\"%msg%\\n\""
              filename: 10-input.conf
            - content: local7.* /var/log/boot-extra.log
        """;

    private readonly CloudInitChroot _chroot;

    public RsyslogModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    [Fact]
    public void Remote_lines_are_what_cloud_init_makes_of_them()
    {
        string[][] cases =
        [
            ["maas", "192.168.1.1"],
            ["tcp", "@@10.0.0.5:601"],
            ["v6", "@[fd00::1]"],
            ["v6port", "*.* @@[2001:db8::7]:0514"],
            ["filtered", "authpriv.* @logs.example.com"],
            ["bare6", "fd00::2"],
            ["named", "10.1.1.1 # from comment"],
            ["", "10.1.1.1 # only the comment names it"],
            ["bad", "a b c"],
            ["two", "#x#y 10.0.0.1"],
            ["noaddr", "@@:514"],
            ["portzero", "10.9.9.9:0"],
        ];
        var script = "import json,sys\nfrom cloudinit.config.cc_rsyslog import parse_remotes_line\nout=[]\n" +
            "for name,line in json.loads(sys.argv[1]):\n" +
            "  try: out.append(str(parse_remotes_line(line, name=name or None)))\n" +
            "  except Exception: out.append(None)\n" +
            "sys.stdout.write(json.dumps(out))";
        var expected = JsonSerializer.Deserialize<string?[]>(Tool.Run("chroot", _chroot.Path, "python3", "-c", script, JsonSerializer.Serialize(cases)))!;
        Assert.Equal(cases.Length, expected.Length);
        Assert.Contains(expected, e => e is null);
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.True(expected[i] == RsyslogModule.ParseRemote(cases[i][1], cases[i][0].Length == 0 ? null : cases[i][0]), $"{cases[i][1]}: cloud-init '{expected[i]}', keel-agent '{RsyslogModule.ParseRemote(cases[i][1], cases[i][0])}'");
        }
    }

    [Fact]
    public async Task Same_seed_gives_the_same_rsyslog_files_as_cloud_init()
    {
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-rsyslog"), Seed);
        Assert.True(run.RunCloudInit().Count == 0, run.Log.ToString());
        Assert.True(await run.RunKeelAsync() == 0, run.Log.ToString());

        foreach (var file in new[] { "/etc/rsyslog.d/20-cloud-config.conf", "/etc/rsyslog.d/10-input.conf" })
        {
            Assert.True(File.Exists(run.CloudInitRoot + file), $"cloud-init did not write {file}:\n{run.Log}");
            Assert.Equal(File.ReadAllText(run.CloudInitRoot + file), File.ReadAllText(run.KeelRoot + file));
        }

        Assert.Equal(
            "*.* @@10.0.0.1:514\nlocal7.* /var/log/boot-extra.log\n# begin remotes\n*.* @192.168.1.1 # maas\n*.* @10.0.4.1 # juju\n*.err @@[fd00::1]:10514 # tcp_v6\nkern.* @logs.example.com:1514 # commented\n# end remotes\n",
            File.ReadAllText(run.KeelRoot + "/etc/rsyslog.d/20-cloud-config.conf"));

        // Everything else under /etc etc. too, but for the account-file backups and the DSA host key (SideBySideTests).
        var unexplained = run.Compare().Where(d => !(d.Path is "/etc/passwd-" or "/etc/group-" or "/etc/shadow-" or "/etc/gshadow-" or "/etc/subuid-" or "/etc/subgid-"
            || (d.Keel is null && d.Path.StartsWith("/etc/ssh/ssh_host_dsa_key", StringComparison.Ordinal)))).ToList();
        Assert.True(unexplained.Count == 0, string.Join("\n", unexplained));
    }

    [Fact]
    public void A_target_root_gets_the_files_and_no_reload()
    {
        using var t = new TestRoot();
        t.Seed(Seed);
        var status = t.Run();
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "rsyslog").Result);
        Assert.Equal("init", status.Modules.Single(m => m.Name == "rsyslog").Stage);
        Assert.Equal("module(load=\"imtcp\")\ninput(type=\"imtcp\" port=\"514\")\n$template Plain,\"%msg%\\n\"\n", t["/etc/rsyslog.d/10-input.conf"]);
        Assert.Equal("0:0 644", t.Stat("/etc/rsyslog.d/20-cloud-config.conf"));
        Assert.Equal("0:0 644", t.Stat("/etc/rsyslog.d/10-input.conf"));
        Assert.Equal("already-ran", t.Run(bootId: "boot-2").Modules.Single(m => m.Name == "rsyslog").Result);
    }

    [Fact]
    public void Cloud_init_s_documentation_example_applies()
    {
        using var t = new TestRoot();
        t.Seed(File.ReadAllText(Keel.Tests.TestPaths.Oracle("cloud-init-HEAD", "doc", "module-docs", "cc_rsyslog", "example1.yaml")));
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "rsyslog").Result);
        Assert.Equal("# begin remotes\n*.* @10.0.4.1 # juju\n*.* @192.168.1.1 # maas\n# end remotes\n", t["/etc/rsyslog.d/20-cloud-config.conf"]);
    }

    [Fact]
    public void Paths_never_leave_the_root()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nrsyslog:\n  configs: [{filename: ../../../tmp/escape.conf, content: x}]\n");
        var module = t.Run().Modules.Single(m => m.Name == "rsyslog");
        Assert.Equal("failed", module.Result);
        Assert.Contains("'..'", module.Error, StringComparison.Ordinal);

        // A link to an absolute directory is resolved inside the root, as the chrooted system would.
        var outside = Directory.CreateTempSubdirectory("keel-outside-").FullName;
        try
        {
            using var linked = new TestRoot();
            File.CreateSymbolicLink(linked.Host("/etc/rsyslog.d"), outside);
            linked.Seed("#cloud-config\nrsyslog: {configs: [\"*.* @10.0.0.1\"]}\n");
            Assert.Equal("ran", linked.Run().Modules.Single(m => m.Name == "rsyslog").Result);
            Assert.Empty(Directory.GetFileSystemEntries(outside));
            Assert.Equal("*.* @10.0.0.1\n", File.ReadAllText(linked.Host(outside + "/20-cloud-config.conf")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Directory_file_name_and_the_legacy_list_are_honoured()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nrsyslog:\n  config_dir: /etc/rsyslog.custom\n  config_filename: 50-app.conf\n  configs: [\"user.* /var/log/user.log\", {filename: /etc/rsyslog.conf.d/abs.conf, content: \"x\"}]\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "rsyslog").Result);
        Assert.Equal("user.* /var/log/user.log\n", t["/etc/rsyslog.custom/50-app.conf"]);
        Assert.Equal("x\n", t["/etc/rsyslog.conf.d/abs.conf"]);

        using var legacy = new TestRoot();
        legacy.Seed("#cloud-config\nrsyslog_dir: /etc/rsyslog.old\nrsyslog_filename: 99.conf\nrsyslog:\n  - \"*.* @10.0.0.9\"\n");
        var status = legacy.Run();
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "rsyslog").Result);
        Assert.Equal("*.* @10.0.0.9\n", legacy["/etc/rsyslog.old/99.conf"]);
        Assert.Contains(status.Warnings, w => w.Message.Contains("deprecated list format", StringComparison.Ordinal));
    }
}
