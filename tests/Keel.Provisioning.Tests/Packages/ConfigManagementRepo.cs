using System.Text;

namespace Keel.Provisioning.Tests.Packages;

/// <summary>
/// An rpm-md repository (real rpmbuild and createrepo_c) of stand-ins for the configuration-management packages: puppet
/// (its unit, puppet.conf and a puppet that answers `config print`), salt-minion (its unit), chef (a chef-client that
/// records its arguments) and ansible (ansible and an ansible-pull that records its arguments). The scripts are busybox sh.
/// </summary>
public sealed class ConfigManagementRepo : IDisposable
{

    private static readonly (string Name, (string Path, string Mode, string Content)[] Files)[] Packages =
    [
        ("puppet",
        [
            ("/usr/lib/systemd/system/puppet.service", "644", Unit("Puppet agent")),
            ("/etc/puppet/puppet.conf", "644", "[main]\n    logdir = /var/log/puppet\n  rundir = /run/puppet\n"),
            ("/usr/bin/puppet", "755", "#!/bin/sh\ncase \"$1 $2 $3\" in\n'config print config') echo /etc/puppet/puppet.conf ;;\n'config print ssldir') echo /var/lib/puppet/ssl ;;\n'config print csr_attributes') echo /etc/puppet/csr_attributes.yaml ;;\n*) echo \"$@\" > /var/tmp/puppet-args ;;\nesac\n"),
        ]),
        ("salt-minion", [("/usr/lib/systemd/system/salt-minion.service", "644", Unit("Salt minion"))]),
        ("chef", [("/usr/bin/chef-client", "755", "#!/bin/sh\necho \"$@\" > /var/tmp/chef-client-args\n")]),
        ("ansible-core",
        [
            ("/usr/bin/ansible", "755", "#!/bin/sh\necho ansible\n"),
            ("/usr/bin/ansible-pull", "755", "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'ansible-pull [core 2.14.1]'; exit 0; fi\necho \"HOME=$HOME ANSIBLE_CONFIG=$ANSIBLE_CONFIG $*\" > /var/tmp/ansible-pull-args\n"),
            ("/usr/bin/ansible-galaxy", "755", "#!/bin/sh\necho \"$*\" >> /var/tmp/ansible-galaxy-args\n"),
        ]),
    ];

    private static string Unit(string description) =>
        $"[Unit]\nDescription={description}\n[Service]\nExecStart=/usr/bin/true\n[Install]\nWantedBy=multi-user.target\n";

    /// <summary>Builds the repository.</summary>
    public ConfigManagementRepo()
    {
        Base = Directory.CreateTempSubdirectory("keel-cmrepo-").FullName;
        Path = System.IO.Path.Combine(Base, "repo");
        foreach (var (name, files) in Packages)
        {
            var src = System.IO.Path.Combine(Base, "src-" + name);
            var spec = new StringBuilder($"Name: {name}\nVersion: 1.0\nRelease: 1\nSummary: keel-agent stand-in\nLicense: MIT\nBuildArch: noarch\nAutoReqProv: no\n%description\nstand-in\n%install\ncp -a {src}/. %{{buildroot}}/\n%files\n");
            foreach (var (path, mode, content) in files)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(src + path)!);
                File.WriteAllText(src + path, content);
                spec.Append($"%attr({mode},root,root) {path}\n");
            }

            var specPath = System.IO.Path.Combine(Base, name + ".spec");
            File.WriteAllText(specPath, spec.ToString());
            Tool.Run("rpmbuild", "-bb", "--define", $"_topdir {Base}/top", "--define", $"_rpmdir {Path}",
                "--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm", specPath);
        }

        Tool.Run("createrepo_c", "-q", Path);
    }

    /// <summary>Scratch directory holding everything.</summary>
    public string Base { get; }

    /// <summary>The repository directory.</summary>
    public string Path { get; }

    /// <summary>cloud-config lines that add this repository with yum_repos.</summary>
    public string YumRepos => $"yum_repos:\n  keel-cm:\n    name: keel cm\n    baseurl: file://{Path}\n    gpgcheck: false\n";

    /// <summary>Puts a static busybox (sh and the applets the stand-ins use) into a root, so its scripts run under chroot.</summary>
    public static void AddBusybox(string root)
    {
        Directory.CreateDirectory(root + "/bin");
        Directory.CreateDirectory(root + "/var/tmp");
        File.Copy("/bin/busybox", root + "/bin/busybox");
        foreach (var applet in new[] { "sh", "echo" })
        {
            File.CreateSymbolicLink(root + "/bin/" + applet, "busybox");
        }
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Base, recursive: true);
}
