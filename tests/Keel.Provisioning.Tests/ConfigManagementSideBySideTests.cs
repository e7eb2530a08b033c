using Keel.Provisioning.Config;
using Keel.Provisioning.Modules;
using Keel.Provisioning.Tests.Packages;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// puppet, salt_minion and chef side by side with cloud-init 22.4.2: its own cc_* code runs in its chroot on the same
/// config (the package manager and service calls replaced by mocks, the paths pointed into a scratch directory of the
/// chroot, since the modules' defaults would change the shared chroot itself), keel-agent runs on a root; the files are
/// compared byte for byte, with their modes. PyYAML's own yaml.dump is the oracle for the YAML files.
/// </summary>
public sealed class ConfigManagementSideBySideTests : IClassFixture<CloudInitChroot>, IClassFixture<ConfigManagementRepo>
{
    private const string Pem = "-----BEGIN CERTIFICATE-----\nMIICCTCCAXKgAwIBAgIBATANBgkqhkiG9w0BAQUFADANMQswCQYDVQQDDAJjYTAe\n-----END CERTIFICATE-----\n";

    private readonly CloudInitChroot _chroot;
    private readonly ConfigManagementRepo _repo;

    public ConfigManagementSideBySideTests(CloudInitChroot chroot, ConfigManagementRepo repo)
    {
        _chroot = chroot;
        _repo = repo;
    }

    [Theory]
    [InlineData("master: salt.example.com\nid: node1\n")]
    [InlineData("b: [1, {x: y, z: [1, 2]}]\nc: {d: true, e: null, f: 1.5}\nlist_of_lists: [[a, b], [c]]\n")]
    [InlineData("q: 'yes'\nn: '123'\nempty: ''\ncolon: 'a: b'\nhash: 'a #b'\nlead: ' x'\ntrail: 'x '\ndash: '- x'\nstar: '*x'\nquote: \"it's\"\nts: '2001-12-14'\ntilde: '~'\n")]
    [InlineData("long: 'word word word word word word word word word word word word word word word word word word word word word word word word word word'\nml: \"a\\nb\\n\"\nml2: \"line one\\n\\nline three with  two spaces\"\n")]
    [InlineData("tab: \"a\\tb\"\nuni: \"caf\\u00e9\"\nnested: {deeper: {deepest: [x, {k: v}]}}\nemptymap: {}\nemptylist: []\n")]
    public void PyYaml_dump_is_matched_byte_for_byte(string yaml)
    {
        var node = YamlConfigReader.Parse(yaml, "test")!;
        var script = "import sys, yaml\nfrom cloudinit import safeyaml\nd = yaml.safe_load(sys.argv[1])\n" +
            "sys.stdout.write(safeyaml.dumps(d) + '\\x00' + yaml.dump(d, default_flow_style=False))";
        var output = Tool.Run("chroot", _chroot.Path, "python3", "-c", script, yaml).Split('\0');
        Assert.Equal(output[0], PyYamlDumper.Dump(node, indent: 4, explicitMarkers: true));
        Assert.Equal(output[1], PyYamlDumper.Dump(node));
    }

    [Fact]
    public void Puppet_conf_ca_cert_and_csr_attributes_are_what_cloud_init_writes()
    {
        var dir = "/tmp/keel-sbs-puppet-" + Guid.NewGuid().ToString("N");
        var config = $"""
            puppet:
              install: false
              start_service: false
              conf_file: {dir}/etc/puppet/puppet.conf
              ssl_dir: {dir}/var/lib/puppet/ssl
              csr_attributes_path: {dir}/etc/puppet/csr_attributes.yaml
              conf:
                main:
                  logdir: /var/log/puppet2
                  Runinterval: 3600
                agent:
                  server: puppet.example.org
                  certname: "%i.%f.EXAMPLE"
                  noop: false
                ca_cert: |
            {Indent(Pem, 6)}
                user:
                  color: false
              csr_attributes:
                custom_attributes:
                  1.2.840.113549.1.9.7: 342thbjkt82094y0uthhor289jnqthpc2290
                extension_requests:
                  pp_uuid: ED803750-E3C7-44F5-BB08-41A04433FE2E
                  pp_image_name: my_ami_image
            """;
        const string Existing = "# packaged\n[main]\n    logdir = /var/log/puppet\n  rundir: /run/puppet\n; comment\n[agent]\nserver=old.example\n";
        var ci = _chroot.Path + dir;
        try
        {
            Directory.CreateDirectory(ci + "/etc/puppet");
            File.WriteAllText(ci + "/etc/puppet/puppet.conf", Existing);
            var script = "import sys, yaml, logging\nfrom unittest import mock\nfrom cloudinit.config import cc_puppet\nfrom cloudinit import safeyaml\n" +
                "cfg = yaml.safe_load(safeyaml.dumps(yaml.safe_load(sys.argv[1])))\ncloud = mock.MagicMock()\ncloud.get_instance_id.return_value = 'iid-1'\n" +
                "with mock.patch.object(cc_puppet.subp, 'subp', return_value=('', '')), mock.patch.object(cc_puppet.util, 'chownbyname'), mock.patch.object(cc_puppet.socket, 'getfqdn', return_value='node1'):\n" +
                "    cc_puppet.handle('puppet', cfg, cloud, logging.getLogger(), [])\n";
            Tool.Run("chroot", _chroot.Path, "python3", "-c", script, config);

            using var t = new TestRoot();
            Directory.CreateDirectory(t.Host(dir + "/etc/puppet"));
            File.WriteAllText(t.Host(dir + "/etc/puppet/puppet.conf"), Existing);
            File.AppendAllText(t.Host("/etc/passwd"), "puppet:x:52:52::/var/lib/puppet:/sbin/nologin\n");
            t.Seed("#cloud-config\n" + config);
            var status = t.Run();
            Assert.True(status.Modules.Single(m => m.Name == "puppet").Result == "ran", Describe(status));

            foreach (var path in new[] { "/etc/puppet/puppet.conf", "/etc/puppet/puppet.conf.old", "/etc/puppet/csr_attributes.yaml", "/var/lib/puppet/ssl/certs/ca.pem" })
            {
                Assert.Equal(File.ReadAllText(ci + path), t[dir + path]);
                Assert.Equal(Mode(ci + path), Mode(t.Host(dir + path)));
            }

            Assert.Equal(Mode(ci + "/var/lib/puppet/ssl"), Mode(t.Host(dir + "/var/lib/puppet/ssl")));
            Assert.Equal("771", Mode(t.Host(dir + "/var/lib/puppet/ssl")));
            Assert.Equal("52:0 771", t.Stat(dir + "/var/lib/puppet/ssl"));
            Assert.Equal("52:0 644", t.Stat(dir + "/var/lib/puppet/ssl/certs/ca.pem"));
            Assert.Contains("certname = iid-1.node1.example\n", t[dir + "/etc/puppet/puppet.conf"], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(ci, recursive: true);
        }
    }

    [Fact]
    public void Salt_minion_files_and_keys_are_what_cloud_init_writes_except_the_private_keys_mode()
    {
        var dir = "/tmp/keel-sbs-salt-" + Guid.NewGuid().ToString("N");
        var config = $"""
            salt_minion:
              config_dir: {dir}/etc/salt
              conf:
                master: salt.example.com
                file_client: remote
                mine_functions:
                  network.ip_addrs: [eth0]
              grains:
                role: [web, db]
                datacenter: 'eu west'
              public_key: |
                -----BEGIN PUBLIC KEY-----
                MIIBIjANBgkq
                -----END PUBLIC KEY-----
              private_key: |
                -----BEGIN RSA PRIVATE KEY-----
                MIIEpAIBAAKC
                -----END RSA PRIVATE KEY-----
            """;
        var ci = _chroot.Path + dir;
        try
        {
            var script = "import sys, yaml, logging\nfrom unittest import mock\nfrom cloudinit.config import cc_salt_minion\nfrom cloudinit import safeyaml\n" +
                "cfg = yaml.safe_load(safeyaml.dumps(yaml.safe_load(sys.argv[1])))\ncloud = mock.MagicMock()\ncloud.distro.osfamily = 'redhat'\n" +
                "with mock.patch.object(cc_salt_minion.subp, 'subp'):\n    cc_salt_minion.handle('salt_minion', cfg, cloud, logging.getLogger(), [])\n";
            Tool.Run("chroot", _chroot.Path, "python3", "-c", script, config);

            using var t = new TestRoot();
            t.Seed("#cloud-config\n" + _repo.YumRepos + config);
            var status = t.Run(execute: true);
            Assert.True(status.Modules.Single(m => m.Name == "salt_minion").Result == "ran", Describe(status));

            foreach (var path in new[] { "/etc/salt/minion", "/etc/salt/grains", "/etc/salt/pki/minion.pub", "/etc/salt/pki/minion.pem" })
            {
                Assert.Equal(File.ReadAllText(ci + path), t[dir + path]);
            }

            foreach (var path in new[] { "/etc/salt/minion", "/etc/salt/grains", "/etc/salt/pki/minion.pub", "/etc/salt/pki" })
            {
                Assert.Equal(Mode(ci + path), Mode(t.Host(dir + path)));
            }

            // The one deliberate difference: cloud-init chmods the private key 0644 (inside a 0700 directory).
            Assert.Equal("644", Mode(ci + "/etc/salt/pki/minion.pem"));
            Assert.Equal("600", Mode(t.Host(dir + "/etc/salt/pki/minion.pem")));
            Assert.Equal("700", Mode(t.Host(dir + "/etc/salt/pki")));
            Assert.StartsWith("---\nfile_client: remote\nmaster: salt.example.com\nmine_functions:\n    network.ip_addrs:\n    - eth0\n", t[dir + "/etc/salt/minion"], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(ci, recursive: true);
        }
    }

    [Theory]
    [InlineData("server_url: https://chef.example\nvalidation_name: org-validator\n")]
    [InlineData("server_url: https://chef.example\nvalidation_name: v\nchef_license: accept\nshow_time: false\nlog_level: null\nvalidation_cert: system\nnode_name: web1\nenvironment: prod\nencrypted_data_bag_secret: /etc/chef/secret\nunknown_key: 1\n")]
    [InlineData("server_url: https://chef.example\nvalidation_name: v\nvalidation_cert: \"-----BEGIN-----\"\npid_file: ''\nssl_verify_mode: ':verify_peer'\nfile_backup_path: null\nrun_list: ['recipe[a]', 'role[b]']\ninitial_attributes: {apache: {prefork: {maxclients: 100}}, keepalive: 'off', caf\u00e9: true}\n")]
    public void Chef_client_rb_and_firstboot_json_are_what_cloud_init_renders(string chefYaml)
    {
        var script = "import sys, yaml, json, logging\nfrom cloudinit import templater, safeyaml\nfrom cloudinit.config import cc_chef\n" +
            "c = yaml.safe_load(safeyaml.dumps(yaml.safe_load(sys.argv[1])))\np = cc_chef.get_template_params('iid-1', c, logging.getLogger())\np['generated_by'] = '# HEADER'\n" +
            "fb = {}\nif 'run_list' in c: fb['run_list'] = c['run_list']\nfor k in list(c.get('initial_attributes', {}).keys()): fb[k] = c['initial_attributes'][k]\n" +
            "sys.stdout.write(templater.render_string(open('/etc/cloud/templates/chef_client.rb.tmpl').read(), p) + '\\x00' + json.dumps(fb))";
        var output = Tool.Run("chroot", _chroot.Path, "python3", "-c", script, chefYaml).Split('\0');
        var chef = YamlConfigReader.ParseMap(chefYaml, "test");
        Assert.Equal(output[0], ChefModule.RenderClientRb(ChefModule.Parameters(chef, "iid-1"), "# HEADER"));
        Assert.Equal(output[1], ChefModule.FirstbootJson(chef));
    }

    [Fact]
    public async Task Puppet_and_chef_in_both_agents_full_runs_leave_the_same_etc()
    {
        // Both copies get the same stand-ins: a puppet that answers `config print` and a chef-client, so neither agent
        // installs anything (the chroot has no network and no rpm database).
        var user = $$"""
            #cloud-config
            puppet:
              install: false
              start_service: false
              conf:
                agent: {server: puppet.example.org, certname: "%i.example"}
                ca_cert: |
            {{Indent(Pem, 6)}}
              csr_attributes:
                extension_requests: {pp_role: web, pp_uuid: ED803750}
            chef:
              server_url: https://chef.example.com
              validation_name: org-validator
              run_list: ["recipe[apache2]", "role[db]"]
              initial_attributes:
                apache: {keepalive: "off"}
            """;
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-cm"), user);
        foreach (var root in new[] { run.CloudInitRoot, run.KeelRoot })
        {
            Directory.CreateDirectory(root + "/etc/puppet");
            File.WriteAllText(root + "/etc/puppet/puppet.conf", "[main]\nlogdir = /var/log/puppet\n");
            File.WriteAllText(root + "/usr/bin/puppet", "#!/bin/sh\ncase \"$3\" in\nconfig) echo /etc/puppet/puppet.conf ;;\nssldir) echo /etc/puppet/ssl ;;\ncsr_attributes) echo /etc/puppet/csr_attributes.yaml ;;\nesac\n");
            File.WriteAllText(root + "/usr/bin/chef-client", "#!/bin/sh\nexit 0\n");
            File.SetUnixFileMode(root + "/usr/bin/puppet", (UnixFileMode)0x1ed);
            File.SetUnixFileMode(root + "/usr/bin/chef-client", (UnixFileMode)0x1ed);
            File.AppendAllText(root + "/etc/passwd", "puppet:x:52:52::/var/lib/puppet:/usr/sbin/nologin\n");
            File.AppendAllText(root + "/etc/group", "puppet:x:52:\n");
            File.AppendAllText(root + "/etc/shadow", "puppet:!:20000::::::\n");
            File.AppendAllText(root + "/etc/gshadow", "puppet:!::\n");
        }

        Assert.True(run.RunCloudInit().Count == 0, run.Log.ToString());
        Assert.True(await run.RunKeelAsync() == 0, run.Log.ToString());
        foreach (var path in new[] { "/etc/puppet/puppet.conf", "/etc/puppet/puppet.conf.old", "/etc/puppet/csr_attributes.yaml", "/etc/puppet/ssl/certs/ca.pem", "/etc/chef/client.rb", "/etc/chef/firstboot.json" })
        {
            Assert.True(File.Exists(run.KeelRoot + path), path);
        }

        // /etc/puppet and /etc/chef (contents, modes, owners) and the rest of /etc agree but for the known differences of
        // every side-by-side run (account-file backups, the DSA host key).
        var unexplained = run.Compare().Where(d => !(d.Path is "/etc/passwd-" or "/etc/group-" or "/etc/shadow-" or "/etc/gshadow-" or "/etc/subuid-" or "/etc/subgid-"
            || (d.Keel is null && d.Path.StartsWith("/etc/ssh/ssh_host_dsa_key", StringComparison.Ordinal)))).ToList();
        Assert.True(unexplained.Count == 0, string.Join("\n", unexplained.Select(d => $"{d}\n  cloud-init: {d.CloudInit}\n  keel-agent: {d.Keel}")));
    }

    [Theory]
    [InlineData("[main]\nlogdir=/a\n", "main: {logdir: /b, Server: x}\nnew: {n: 1, f: 1.5, t: true}\n")]
    [InlineData("# c\n[DEFAULT]\nk: v\n  [agent]\n   report : true\n\n; x\n[user]\n", "DEFAULT: {k2: v2}\nagent: {certname: '%i.%f.X'}\n")]
    [InlineData("", "agent: {server: s}\n")]
    public void Puppet_conf_merging_is_pythons_configparser(string existing, string conf)
    {
        var script = "import sys, yaml\nfrom io import StringIO\nfrom cloudinit import helpers\n" +
            "p = helpers.DefaultingConfigParser()\np.read_file(StringIO('\\n'.join(l.lstrip() for l in sys.argv[1].splitlines())))\n" +
            "from cloudinit import safeyaml\nfor s, c in yaml.safe_load(safeyaml.dumps(yaml.safe_load(sys.argv[2]))).items():\n    for o, v in c.items():\n" +
            "        if o == 'certname': v = v.replace('%f', 'node1').replace('%i', 'iid-1').lower()\n        p.set(s, o, v)\n" +
            "sys.stdout.write(p.stringify())";
        var expected = Tool.Run("chroot", _chroot.Path, "python3", "-c", script, existing, conf);
        Assert.Equal(expected, PuppetModule.Merge(existing, YamlConfigReader.ParseMap(conf, "t"), "iid-1", "node1"));
    }

    private static string Mode(string hostPath) => Tool.Run("stat", "-c", "%a", hostPath).Trim();

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.TrimEnd('\n').Split('\n').Select(l => new string(' ', spaces) + l));

    internal static string Describe(Engine.AgentStatus status) =>
        string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)) + " | " +
        string.Join("; ", status.Modules.Where(m => m.Error is not null).Select(m => m.Name + ": " + m.Error));
}
