using Keel.Provisioning.Modules;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// keyboard and wireguard side by side with cloud-init 22.4.2. Its chroot has no running systemd, no localectl, no
/// wireguard-tools and no kmod, so the cloud-init copy gets /run/systemd/system (cloud-init's test for systemd) and
/// recording stand-ins for systemctl, localectl, hostnamectl, lsmod, modprobe and wg in /usr/local/sbin (outside the
/// compared trees): what cloud-init writes itself is compared with keel-agent's files, and what it asks the tools to do is
/// compared with what keel-agent does in its target root.
/// </summary>
public sealed class KeyboardWireguardSideBySideTests : IClassFixture<CloudInitChroot>
{
    private const string Seed = """
        #cloud-config
        keyboard:
          layout: de
          variant: nodeadkeys
        wireguard:
          interfaces:
            - name: wg0
              config_path: /etc/wireguard/wg0.conf
              content: |
                [Interface]
                PrivateKey = qGr3nyHGa8ojqL8drTEsvGPNHbA0rDmE2LxNt7NnI1Y=
                Address = 10.10.0.2/24
          readinessprobe:
            - "echo probed >> /var/tmp/probe.log"
        """;

    private readonly CloudInitChroot _chroot;

    public KeyboardWireguardSideBySideTests(CloudInitChroot chroot) => _chroot = chroot;

    [Fact]
    public async Task Same_files_and_the_same_service_and_keymap_requests_as_cloud_init()
    {
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-kbd-wg"), Seed);
        foreach (var root in new[] { run.CloudInitRoot, run.KeelRoot })
        {
            // Debian's cloud.cfg does not list wireguard, and cloud-init 22.4.2 declares it for Ubuntu only: without
            // unverified_modules it would skip it on Debian (and on Fedora/RHEL).
            File.WriteAllText(root + "/etc/cloud/cloud.cfg.d/95-keel-kbd-wg.cfg", "cloud_config_modules: [wireguard, keyboard]\nunverified_modules: [wireguard]\n");
        }

        Directory.CreateDirectory(run.CloudInitRoot + "/run/systemd/system");
        RecordingTools.Install(run.CloudInitRoot, "systemctl", "localectl", "hostnamectl", "lsmod", "modprobe", "wg");

        // keel-agent's target root: wireguard-tools' wg and unit, and systemd's kbd-model-map (the chroot has no systemd).
        Directory.CreateDirectory(run.KeelRoot + "/usr/lib/systemd/system");
        Directory.CreateDirectory(run.KeelRoot + "/usr/share/systemd");
        File.WriteAllText(run.KeelRoot + "/usr/bin/wg", "#!/bin/sh\n");
        File.SetUnixFileMode(run.KeelRoot + "/usr/bin/wg", (UnixFileMode)0x1ed);
        File.WriteAllText(run.KeelRoot + "/usr/lib/systemd/system/wg-quick@.service", "[Unit]\nDescription=WireGuard via wg-quick(8) for %I\n[Service]\nType=oneshot\nExecStart=/usr/bin/wg-quick up %i\n[Install]\nWantedBy=multi-user.target\n");
        File.Copy("/usr/share/systemd/kbd-model-map", run.KeelRoot + "/usr/share/systemd/kbd-model-map");

        Assert.True(run.RunCloudInit().Count == 0, run.Log.ToString());
        Assert.True(await run.RunKeelAsync() == 0, run.Log.ToString());
        var calls = RecordingTools.Calls(run.CloudInitRoot);

        // keyboard: cloud-init's localectl call (model defaulted to pc105, options empty) is exactly keel-agent's on the
        // machine itself; in the target root keel-agent writes what systemd-localed writes for that call.
        Assert.Contains("localectl " + string.Join(' ', KeyboardModule.LocalectlArguments("de", "pc105", "nodeadkeys", "").Skip(1).Select(a => $"[{a}]")), calls);
        Assert.Contains("Option \"XkbModel\" \"pc105\"", File.ReadAllText(run.KeelRoot + "/etc/X11/xorg.conf.d/00-keyboard.conf"), StringComparison.Ordinal);
        Assert.Equal("KEYMAP=de-latin1-nodeadkeys\nXKBLAYOUT=de\nXKBMODEL=pc105\nXKBVARIANT=nodeadkeys\n", File.ReadAllText(run.KeelRoot + "/etc/vconsole.conf"));

        // wireguard: cloud-init enables and starts wg-quick@wg0 and runs the probe; keel-agent enables it in the root (the
        // link systemctl --root made), leaving start and probe to the first boot.
        Assert.Contains("systemctl [enable] [wg-quick@wg0]", calls);
        Assert.Contains("systemctl [start] [wg-quick@wg0]", calls);
        Assert.Equal("probed\n", File.ReadAllText(run.CloudInitRoot + "/var/tmp/probe.log"));
        Assert.Equal("enabled", Tool.Run("systemctl", "--root", run.KeelRoot, "is-enabled", "wg-quick@wg0.service").Trim());

        // Everything else under the compared trees is the same, /etc/wireguard/wg0.conf's content, 0600 mode and owner included.
        Assert.True(File.Exists(run.CloudInitRoot + "/etc/wireguard/wg0.conf"), run.Log.ToString());
        var unexplained = run.Compare().Where(d => !(d.Path is "/etc/passwd-" or "/etc/group-" or "/etc/shadow-" or "/etc/gshadow-" or "/etc/subuid-" or "/etc/subgid-"
            || (d.Keel is null && d.Path.StartsWith("/etc/ssh/ssh_host_dsa_key", StringComparison.Ordinal))
            || (d.CloudInit is null && (d.Path.StartsWith("/etc/X11", StringComparison.Ordinal) || d.Path == "/etc/vconsole.conf" || d.Path.StartsWith("/etc/systemd/system/multi-user.target.wants", StringComparison.Ordinal)))
            || (d.Keel is null && d.Path == "/var/tmp/probe.log"))).ToList();
        Assert.True(unexplained.Count == 0, string.Join("\n", unexplained));
    }
}
