using Keel.Provisioning.Engine;
using Keel.Provisioning.Modules;

namespace Keel.Provisioning.Tests.Packages;

/// <summary>
/// puppet, chef, ansible and salt_minion end to end in a target root: stand-in packages installed by the host's real dnf
/// --installroot from a local rpm-md repository (read back with rpm --root), the files with their modes, the services
/// enabled as the real systemctl --root reads them back, and the stand-in programs run through chroot (busybox sh).
/// </summary>
public sealed class ConfigManagementModulesTests : IClassFixture<ConfigManagementRepo>
{
    private readonly ConfigManagementRepo _repo;

    public ConfigManagementModulesTests(ConfigManagementRepo repo) => _repo = repo;

    [Fact]
    public void Puppet_is_installed_configured_enabled_and_its_agent_run_with_the_paths_puppet_reports()
    {
        using var t = new TestRoot();
        ConfigManagementRepo.AddBusybox(t.RootPath);
        File.AppendAllText(t.Host("/etc/passwd"), "puppet:x:52:52::/var/lib/puppet:/sbin/nologin\n");
        t.Seed($"""
            #cloud-config
            {_repo.YumRepos}
            puppet:
              exec: true
              exec_args: [--onetime, --no-daemonize]
              conf:
                agent:
                  server: puppet.example.org
                  certname: "%i.%f"
                ca_cert: |
                  -----BEGIN CERTIFICATE-----
                  MIIB
                  -----END CERTIFICATE-----
              csr_attributes:
                extension_requests:
                  pp_role: web
            """);
        var status = t.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "puppet").Result == "ran", Describe(status));

        Assert.Contains("puppet-1.0-1.noarch", Installed(t));
        Assert.Equal("[main]\nlogdir = /var/log/puppet\nrundir = /run/puppet\n\n[agent]\ncertname = iid-1.node1\nserver = puppet.example.org\n\n", t["/etc/puppet/puppet.conf"]);
        Assert.Equal("0:0 644", t.Stat("/etc/puppet/puppet.conf"));
        Assert.Equal("[main]\nlogdir = /var/log/puppet\nrundir = /run/puppet\n\n[agent]\ncertname = iid-1.node1\nserver = puppet.example.org\n\n", t["/etc/puppet/puppet.conf.old"]);
        Assert.Equal("52:0 771", t.Stat("/var/lib/puppet/ssl"));
        Assert.Equal("52:0 644", t.Stat("/var/lib/puppet/ssl/certs/ca.pem"));
        Assert.Equal("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", t["/var/lib/puppet/ssl/certs/ca.pem"]);
        Assert.Equal("extension_requests:\n  pp_role: web\n", t["/etc/puppet/csr_attributes.yaml"]);
        Assert.Equal("enabled", Tool.Run("systemctl", "--root", t.RootPath, "is-enabled", "puppet.service").Trim());
        Assert.Equal("/usr/lib/systemd/system/puppet.service", new FileInfo(t.Host("/etc/systemd/system/multi-user.target.wants/puppet.service")).LinkTarget);
        Assert.Equal("agent --onetime --no-daemonize\n", t["/var/tmp/puppet-args"]);
    }

    [Fact]
    public void Salt_minion_is_installed_its_files_and_keys_written_with_their_modes_and_enabled_and_without_execute_deferred()
    {
        using var t = new TestRoot();
        t.Seed($"""
            #cloud-config
            {_repo.YumRepos}
            salt_minion:
              conf:
                master: salt.example.com
              grains:
                role: web
              public_key: "PUBLIC\n"
              private_key: "PRIVATE\n"
            """);
        var deferred = t.Run(execute: false);
        Assert.Equal("deferred", deferred.Modules.Single(m => m.Name == "salt_minion").Result);
        Assert.False(File.Exists(t.Host("/etc/salt/minion")));

        var status = t.Run(execute: true, bootId: "boot-2");
        Assert.True(status.Modules.Single(m => m.Name == "salt_minion").Result == "ran", Describe(status));
        Assert.Contains("salt-minion-1.0-1.noarch", Installed(t));
        Assert.Equal("---\nmaster: salt.example.com\n...\n", t["/etc/salt/minion"]);
        Assert.Equal("0:0 644", t.Stat("/etc/salt/minion"));
        Assert.Equal("---\nrole: web\n...\n", t["/etc/salt/grains"]);
        Assert.Equal("0:0 700", t.Stat("/etc/salt/pki"));
        Assert.Equal("0:0 644", t.Stat("/etc/salt/pki/minion.pub"));
        Assert.Equal("0:0 600", t.Stat("/etc/salt/pki/minion.pem"));
        Assert.Equal("PRIVATE\n", t["/etc/salt/pki/minion.pem"]);
        Assert.Equal("enabled", Tool.Run("systemctl", "--root", t.RootPath, "is-enabled", "salt-minion").Trim());
        Assert.True(t.Root.Exists("/var/lib/cloud/instances/iid-1/sem/config_salt_minion"));
    }

    [Fact]
    public void Chef_is_installed_when_chef_client_is_missing_its_files_written_and_chef_client_run_every_boot()
    {
        using var t = new TestRoot();
        ConfigManagementRepo.AddBusybox(t.RootPath);
        t.Seed($"""
            #cloud-config
            {_repo.YumRepos}
            chef:
              server_url: https://chef.example.com
              validation_name: org-validator
              validation_cert: |
                -----BEGIN RSA PRIVATE KEY-----
                VALIDATION
                -----END RSA PRIVATE KEY-----
              run_list: ["recipe[apache2]"]
              initial_attributes:
                apache:
                  keepalive: "off"
              exec: true
              exec_arguments: [--once]
              delete_validation_post_exec: true
            """);
        var status = t.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "chef").Result == "ran", Describe(status));
        Assert.Contains("chef-1.0-1.noarch", Installed(t));
        var clientRb = t["/etc/chef/client.rb"];
        Assert.StartsWith("# Created by keel-agent on Thu, 02 Jan 2025 03:04:05 +0000\nlog_level              :info\n", clientRb, StringComparison.Ordinal);
        Assert.Contains("validation_key         \"/etc/chef/validation.pem\"\n", clientRb, StringComparison.Ordinal);
        Assert.Contains("chef_server_url        \"https://chef.example.com\"\n", clientRb, StringComparison.Ordinal);
        Assert.Contains("node_name              \"iid-1\"\n", clientRb, StringComparison.Ordinal);
        Assert.Equal("0:0 644", t.Stat("/etc/chef/client.rb"));
        Assert.Equal("{\"run_list\": [\"recipe[apache2]\"], \"apache\": {\"keepalive\": \"off\"}}", t["/etc/chef/firstboot.json"]);
        foreach (var dir in new[] { "/var/log/chef", "/var/lib/chef", "/var/cache/chef", "/var/backups/chef", "/var/run/chef" })
        {
            Assert.True(Directory.Exists(t.Host(dir)), dir);
        }

        Assert.Equal("--once\n", t["/var/tmp/chef-client-args"]);
        Assert.False(File.Exists(t.Host("/etc/chef/validation.pem")), "delete_validation_post_exec");

        // Every boot: the key is written again (0600), chef is installed now, so only chef-client runs.
        File.Delete(t.Host("/var/tmp/chef-client-args"));
        status = t.Run(execute: true, bootId: "boot-2");
        Assert.True(status.Modules.Single(m => m.Name == "chef").Result == "ran", Describe(status));
        Assert.Equal("--once\n", t["/var/tmp/chef-client-args"]);

        using var keep = new TestRoot();
        keep.Seed("#cloud-config\nchef: {server_url: https://c.example, validation_name: v, validation_cert: KEY}\n");
        Directory.CreateDirectory(keep.Host("/usr/bin"));
        File.WriteAllText(keep.Host(ChefModule.ExecPath), "#!/bin/sh\n");
        Assert.Equal("ran", keep.Run().Modules.Single(m => m.Name == "chef").Result);
        Assert.Equal("0:0 600", keep.Stat("/etc/chef/validation.pem"));
        Assert.Equal("KEY", keep["/etc/chef/validation.pem"]);
    }

    [Fact]
    public void Ansible_is_installed_through_dnf_and_ansible_pull_run_with_cloud_inits_arguments()
    {
        using var t = new TestRoot();
        ConfigManagementRepo.AddBusybox(t.RootPath);
        t.Seed($"""
            #cloud-config
            {_repo.YumRepos}
            ansible:
              install_method: distro
              package_name: ansible-core
              ansible_config: /etc/ansible/ansible.cfg
              galaxy:
                actions:
                  - [ansible-galaxy, collection, install, community.general]
              pull:
                url: https://github.com/example/playbooks.git
                playbook_name: site.yml
                accept_host_key: true
                clean: false
                checkout: main
                full: true
            """);
        var status = t.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == "ansible").Result == "ran", Describe(status));
        Assert.Contains("ansible-core-1.0-1.noarch", Installed(t));
        Assert.Equal("collection install community.general\n", t["/var/tmp/ansible-galaxy-args"]);
        Assert.Equal("HOME=/root ANSIBLE_CONFIG=/etc/ansible/ansible.cfg --accept-host-key --checkout=main --full --url=https://github.com/example/playbooks.git site.yml\n", t["/var/tmp/ansible-pull-args"]);
    }

    [Fact]
    public void Unsupported_install_methods_fail_naming_the_option_and_partial_options_are_reported()
    {
        using var t = new TestRoot();
        t.Seed("""
            #cloud-config
            puppet: {install_type: aio, collection: puppet7}
            chef: {server_url: https://c.example, validation_name: v, install_type: omnibus, omnibus_version: "17"}
            ansible: {install_method: pip, package_name: ansible}
            """);
        var status = t.Run(execute: true);
        Assert.StartsWith("puppet.install_type 'aio': keel-agent does not download", status.Modules.Single(m => m.Name == "puppet").Error, StringComparison.Ordinal);
        Assert.StartsWith("chef.install_type 'omnibus': keel-agent installs chef through dnf only", status.Modules.Single(m => m.Name == "chef").Error, StringComparison.Ordinal);
        Assert.StartsWith("ansible.install_method 'pip'", status.Modules.Single(m => m.Name == "ansible").Error, StringComparison.Ordinal);
        Assert.Contains(status.Warnings, w => w.Source == "user-data: puppet.collection");
        Assert.Contains(status.Warnings, w => w.Source == "user-data: chef.omnibus_version");
        Assert.Equal("error", status.Status);
    }

    [Fact]
    public void Ansible_pull_arguments_follow_cloud_inits_filter_args_in_the_sorted_order_cloud_init_reads_them()
    {
        var pull = Config.YamlConfigReader.ParseMap("url: u\nplaybook_name: p.yml\nvault_id: v1\nsleep: 30\ndiff: false\nonly_if_changed: true\n", "t");
        Assert.Equal(["--only-if-changed", "--sleep=30", "--url=u", "--vault-id=v1", "p.yml"], AnsibleModule.PullArguments(pull));
    }

    private static List<string> Installed(TestRoot t) =>
        Tool.Run("rpm", "--root", t.RootPath, "--dbpath", PackageManager.RpmDbPaths[0], "-qa", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Describe(AgentStatus status) => ConfigManagementSideBySideTests.Describe(status);
}
