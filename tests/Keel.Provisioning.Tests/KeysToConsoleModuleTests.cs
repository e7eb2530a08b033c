using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>keys_to_console against cloud-init 22.4.2's own write-ssh-key-fingerprints helper, run in the same provisioned root.</summary>
public sealed class KeysToConsoleModuleTests : IClassFixture<CloudInitChroot>
{
    private readonly CloudInitChroot _chroot;

    public KeysToConsoleModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    [Fact]
    public async Task Prints_what_cloud_inits_helper_prints_for_the_same_host_keys()
    {
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-keys"), "#cloud-config\nssh_genkeytypes: [ecdsa, ed25519]\nssh_fp_console_blacklist: [ssh-ed25519]\n");
        Assert.True(await run.RunKeelAsync() == 0, run.Log.ToString());
        var keel = run.Log.ToString();

        var (exit, helper) = Tool.TryRun("chroot", run.KeelRoot, "/usr/lib/cloud-init/write-ssh-key-fingerprints", "ssh-ed25519", "ssh-dss");
        Assert.True(exit == 0, helper);
        var lines = helper.Split('\n');

        // The keys block is plain text in both: identical.
        var begin = Array.IndexOf(lines, "-----BEGIN SSH HOST KEY KEYS-----");
        var end = Array.IndexOf(lines, "-----END SSH HOST KEY KEYS-----");
        Assert.True(begin >= 0 && end > begin + 1, helper);
        Assert.Contains(string.Join('\n', lines[begin..(end + 1)]) + "\n", keel, StringComparison.Ordinal);

        // The helper sends each fingerprint through logger, which prints nothing in a chroot without /dev/log: compare
        // with the ssh-keygen line it would log, run in the same root; ed25519 is left out by the blacklist.
        var fingerprint = Tool.Run("chroot", run.KeelRoot, "ssh-keygen", "-l", "-f", "/etc/ssh/ssh_host_ecdsa_key.pub").Trim();
        Assert.Contains("(ECDSA)", fingerprint, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN SSH HOST KEY FINGERPRINTS-----\n" + fingerprint + "\n-----END SSH HOST KEY FINGERPRINTS-----\n", keel, StringComparison.Ordinal);
        Assert.DoesNotContain("(ED25519)", keel, StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_keys_to_console_false_prints_nothing()
    {
        using var t = new TestRoot();
        Directory.CreateDirectory(t.Host("/etc/ssh"));
        File.WriteAllText(t.Host("/etc/ssh/ssh_host_ed25519_key.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2tz/ZC+YztapFBiqQbdiCU1RzqDYSnHB3x12IVP9rn root@x\n");
        t.Seed("#cloud-config\nssh_deletekeys: false\nssh_genkeytypes: []\nssh: {emit_keys_to_console: false}\n");
        using var log = new StringWriter();
        Assert.Equal("nothing-to-do", t.Run(log: log).Modules.Single(m => m.Name == "keys_to_console").Result);
        Assert.DoesNotContain("SSH HOST KEY", log.ToString(), StringComparison.Ordinal);
    }
}
