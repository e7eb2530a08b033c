using Keel.Processes;
using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// rsyslog, wireguard and keyboard on the machine itself (root "/"), which the target-root tests cannot reach: keel-agent
/// runs with --root / inside a copy of the cloud-init chroot (its own mount, UTS and network namespaces; the test's .NET
/// runtime and agent bind-mounted in), cloud-init 22.4.2 in another copy, both with recording stand-ins for systemctl,
/// localectl and modprobe (nothing on the host is reloaded, started or loaded). The service, keymap and module requests
/// must be cloud-init's, in its order, and the files and the probe's effect the same.
/// </summary>
public sealed class OnTheMachineItselfTests : IClassFixture<CloudInitChroot>
{
    private const string Seed = """
        #cloud-config
        rsyslog:
          remotes: {central: "@@10.0.0.9:6514"}
        keyboard: {layout: de, variant: nodeadkeys}
        wireguard:
          interfaces:
            - name: wg0
              config_path: /etc/wireguard/wg0.conf
              content: |
                [Interface]
                PrivateKey = qGr3nyHGa8ojqL8drTEsvGPNHbA0rDmE2LxNt7NnI1Y=
          readinessprobe:
            - "echo probed >> /var/tmp/probe.log"
        """;

    // Both copies: module lists with wireguard (Debian's cloud.cfg has none; cloud-init declares it for Ubuntu only).
    private const string DropIn = "cloud_config_modules: [wireguard, keyboard]\nunverified_modules: [wireguard]\n";

    private readonly CloudInitChroot _chroot;

    public OnTheMachineItselfTests(CloudInitChroot chroot) => _chroot = chroot;

    [Fact]
    public void Reload_start_probe_and_keymap_requests_are_cloud_init_s()
    {
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-machine"), Seed);
        foreach (var root in new[] { run.CloudInitRoot, run.KeelRoot })
        {
            File.WriteAllText(root + "/etc/cloud/cloud.cfg.d/95-keel-machine.cfg", DropIn);
            Directory.CreateDirectory(root + "/run/systemd/system");
            RecordingTools.Install(root, "systemctl", "localectl", "modprobe", "lsmod", "hostnamectl");

            File.WriteAllText(root + "/usr/bin/wg", "#!/bin/sh\n");
            File.SetUnixFileMode(root + "/usr/bin/wg", (UnixFileMode)0x1ed);
        }

        Assert.True(run.RunCloudInit().Count == 0, run.Log.ToString());

        var dotnet = ToolLookup.Find("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH");
        var dotnetDir = Path.GetDirectoryName(new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet)!;
        Directory.CreateDirectory(run.KeelRoot + "/opt/dotnet");
        Directory.CreateDirectory(run.KeelRoot + "/opt/keel-agent");
        // TMPDIR=/tmp: the suite's TMPDIR is a host path that does not exist inside the chroot.
        const string script = """
            set -e
            mount --bind "$2" "$1/opt/dotnet"
            mount --bind "$3" "$1/opt/keel-agent"
            mount -t proc proc "$1/proc"
            exec chroot "$1" env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TMPDIR=/tmp DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
                /opt/dotnet/dotnet /opt/keel-agent/keel-agent.dll run --root / --seed /var/lib/cloud/seed/nocloud
            """;
        var (exit, output) = Tool.TryRun("unshare", "--mount", "--uts", "--net", "--", "sh", "-c", script, "sh", run.KeelRoot, dotnetDir, AppContext.BaseDirectory.TrimEnd('/'));
        Assert.True(exit == 0, $"keel-agent (root /) exited {exit}:\n{output}");
        Assert.Contains("status: done", output, StringComparison.Ordinal);

        // The requests: cloud-init's, less what only Debian does (console-setup restarted after localectl) and lsmod,
        // which keel-agent replaces by reading /proc/modules.
        static List<string> Requests(string root) => RecordingTools.Calls(root)
            .Where(l => !l.StartsWith("lsmod", StringComparison.Ordinal) && !l.StartsWith("modprobe", StringComparison.Ordinal) && l != "systemctl [restart] [console-setup]")
            .ToList();
        var cloudInit = Requests(run.CloudInitRoot);
        Assert.Equal(
            ["systemctl [reload-or-try-restart] [rsyslog]", "systemctl [enable] [wg-quick@wg0]", "systemctl [start] [wg-quick@wg0]", "localectl [set-x11-keymap] [de] [pc105] [nodeadkeys] []"],
            cloudInit);
        Assert.Equal(cloudInit, Requests(run.KeelRoot));

        // modprobe wireguard: cloud-init's lsmod stand-in lists nothing, so it loads; keel-agent reads the (host's) /proc/modules.
        Assert.Contains("modprobe [wireguard]", RecordingTools.Calls(run.CloudInitRoot));
        var loaded = File.Exists("/proc/modules") && File.ReadLines("/proc/modules").Any(l => l.StartsWith("wireguard ", StringComparison.Ordinal));
        Assert.Equal(!loaded, RecordingTools.Calls(run.KeelRoot).Contains("modprobe [wireguard]"));

        // Files and the probe's effect: the same type, mode, owner and content.
        var ci = SideBySideRun.Describe(run.CloudInitRoot);
        var keel = SideBySideRun.Describe(run.KeelRoot);
        foreach (var path in new[] { "/etc/rsyslog.d/20-cloud-config.conf", "/etc/wireguard", "/etc/wireguard/wg0.conf", "/var/tmp/probe.log" })
        {
            Assert.True(ci.ContainsKey(path), $"cloud-init did not make {path}:\n{run.Log}");
            Assert.Equal(ci[path], keel.GetValueOrDefault(path));
        }

        Assert.StartsWith("file 600 0:0 ", keel["/etc/wireguard/wg0.conf"], StringComparison.Ordinal);
        Assert.EndsWith(" 0:0 probed\n", keel["/var/tmp/probe.log"], StringComparison.Ordinal);
    }
}
