using System.Diagnostics;
using Keel.Provisioning.Config;
using Keel.Provisioning.Datasources;
using Keel.Provisioning.Engine;
using Keel.Provisioning.Modules;

namespace Keel.Provisioning.Tests;

/// <summary>The ssh module against the real ssh-keygen: key types and modes, deletion, per-instance regeneration, pwauth and root's keys.</summary>
public sealed class SshModuleTests
{
    private const string UserKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRootKeyBlob me@host";

    [Fact]
    public void Default_host_keys_are_generated_with_their_types_and_modes()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nusers: []\n");
        var status = t.Run();

        Assert.Equal("ran", status.Modules.Single(m => m.Name == "ssh").Result);
        foreach (var (type, label) in new[] { ("rsa", "RSA"), ("ecdsa", "ECDSA"), ("ed25519", "ED25519") })
        {
            var key = t.Host(SshModule.HostKeyPath(type));
            Assert.EndsWith($"({label})", KeygenFingerprint(key), StringComparison.Ordinal);
            Assert.Equal(KeygenFingerprint(key).Split(' ')[..2], KeygenFingerprint(key + ".pub").Split(' ')[..2]);
            Assert.EndsWith(" 600", t.Stat(SshModule.HostKeyPath(type)), StringComparison.Ordinal);
            Assert.EndsWith(" 644", t.Stat(SshModule.HostKeyPath(type) + ".pub"), StringComparison.Ordinal);
        }

        Assert.False(File.Exists(t.Host("/etc/ssh/ssh_host_dsa_key")));
    }

    [Fact]
    public void Rerun_keeps_keys_and_a_new_instance_replaces_them()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nusers: []\nssh_genkeytypes: [ed25519]\n");
        t.Run();
        var first = KeygenFingerprint(t.Host("/etc/ssh/ssh_host_ed25519_key"));
        Assert.False(File.Exists(t.Host("/etc/ssh/ssh_host_rsa_key")));

        var again = t.Run(bootId: "boot-2");
        Assert.Equal("already-ran", again.Modules.Single(m => m.Name == "ssh").Result);
        Assert.Equal(first, KeygenFingerprint(t.Host("/etc/ssh/ssh_host_ed25519_key")));

        File.WriteAllText(t.Host("/etc/ssh/ssh_host_old_key-cert.pub"), "stale");
        t.Seed("#cloud-config\nusers: []\nssh_genkeytypes: [ed25519]\n", instanceId: "iid-2");
        var third = t.Run(bootId: "boot-3");
        Assert.Equal("ran", third.Modules.Single(m => m.Name == "ssh").Result);
        Assert.NotEqual(first, KeygenFingerprint(t.Host("/etc/ssh/ssh_host_ed25519_key")));
        Assert.False(File.Exists(t.Host("/etc/ssh/ssh_host_old_key-cert.pub")));
    }

    [Fact]
    public void Keys_are_kept_when_ssh_deletekeys_is_false()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nusers: []\nssh_genkeytypes: [ecdsa]\n");
        t.Run();
        var first = KeygenFingerprint(t.Host("/etc/ssh/ssh_host_ecdsa_key"));
        t.Seed("#cloud-config\nusers: []\nssh_genkeytypes: [ecdsa]\nssh_deletekeys: false\n", instanceId: "iid-2");
        t.Run(bootId: "boot-2");
        Assert.Equal(first, KeygenFingerprint(t.Host("/etc/ssh/ssh_host_ecdsa_key")));
    }

    [Theory]
    [InlineData("true", "PasswordAuthentication yes\n")]
    [InlineData("false", "PasswordAuthentication no\n")]
    [InlineData("'no'", "PasswordAuthentication no\n")]
    [InlineData("unchanged", null)]
    public void Ssh_pwauth_writes_the_drop_in(string value, string? expected)
    {
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nusers: []\nssh_genkeytypes: [ed25519]\nssh_pwauth: {value}\n");
        var status = t.Run();
        Assert.True(status.Errors.Count == 0, Problems(status));
        Assert.Equal(expected, File.Exists(t.Host(SshModule.PwauthDropIn)) ? t[SshModule.PwauthDropIn] : null);
    }

    [Fact]
    public void Azure_disable_password_authentication_reaches_sshd()
    {
        using var t = new TestRoot();
        var config = new CloudMap([new("ssh_pwauth", new CloudScalar(ScalarKind.Boolean, "false")), new("ssh_genkeytypes", new CloudList([]))]);
        var instance = new InstanceData("Azure", "azure-1", CloudMap.Empty, "#cloud-config\nusers: []\n"u8.ToArray(), null, null) { DatasourceConfig = config };
        var status = new Provisioner(t.Root, new ProvisioningOptions { BootId = "b" }, TextWriter.Null).Run(() => instance);
        Assert.Equal("done", status.Status);
        Assert.Equal("PasswordAuthentication no\n", t[SshModule.PwauthDropIn]);
    }

    [Fact]
    public void Disable_root_prefixes_roots_keys_with_cloud_inits_options()
    {
        using var t = new TestRoot();
        Directory.CreateDirectory(t.Host("/root/.ssh"));
        File.WriteAllText(t.Host("/root/.ssh/authorized_keys"), UserKey + "\n");
        t.Seed($"#cloud-config\nusers: [default]\nssh_genkeytypes: [ed25519]\nssh_authorized_keys: ['{UserKey}']\n");
        t.Run();

        // The default user is "keel" (system_info default_user); the existing bare line is replaced, not duplicated.
        var expected = "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command=\"echo 'Please login as the user \\\"keel\\\" rather than the user \\\"root\\\".';echo;sleep 10;exit 142\" " + UserKey + "\n";
        Assert.Equal(expected, t["/root/.ssh/authorized_keys"]);
        Assert.Equal(UserKey + "\n", t["/home/keel/.ssh/authorized_keys"]);
    }

    [Fact]
    public void Disable_root_false_gives_root_the_bare_keys()
    {
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nusers: []\nssh_genkeytypes: [ed25519]\ndisable_root: false\nssh_authorized_keys: ['{UserKey}']\n");
        t.Run();
        Assert.Equal(UserKey + "\n", t["/root/.ssh/authorized_keys"]);
        Assert.Equal("0:0 600", t.Stat("/root/.ssh/authorized_keys"));
    }

    [Fact]
    public void Supplied_host_keys_are_written_and_the_public_half_derived()
    {
        using var t = new TestRoot();
        var made = Path.Combine(t.Base, "given");
        var psi = new ProcessStartInfo("ssh-keygen");
        foreach (var a in new[] { "-q", "-N", "", "-t", "ed25519", "-C", "given", "-f", made })
        {
            psi.ArgumentList.Add(a);
        }

        using (var p = Process.Start(psi)!)
        {
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }

        var indented = string.Concat(File.ReadAllLines(made).Select(l => "    " + l + "\n"));
        t.Seed("#cloud-config\nssh_keys:\n  ed25519_private: |\n" + indented + "  ed25519_certificate: ssh-ed25519-cert-v01@openssh.com AAAAfake\n  foo_private: x\n");
        var status = t.Run();

        Assert.Equal("ran", status.Modules.Single(m => m.Name == "ssh").Result);
        Assert.Equal(File.ReadAllText(made), t["/etc/ssh/ssh_host_ed25519_key"]);
        Assert.Equal(KeygenFingerprint(made + ".pub").Split(' ')[..2], KeygenFingerprint(t.Host("/etc/ssh/ssh_host_ed25519_key.pub")).Split(' ')[..2]);
        Assert.EndsWith(" root@localhost\n", t["/etc/ssh/ssh_host_ed25519_key.pub"], StringComparison.Ordinal);
        Assert.EndsWith(" 600", t.Stat("/etc/ssh/ssh_host_ed25519_key"), StringComparison.Ordinal);
        Assert.False(File.Exists(t.Host("/etc/ssh/ssh_host_rsa_key")));
        Assert.Equal("HostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub\n", t[SshModule.PwauthDropIn]);
        Assert.Contains(status.Warnings, w => w.Source.Contains("ssh_keys.foo_private", StringComparison.Ordinal));
    }

    private static string Problems(AgentStatus status) => string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message));

    /// <summary>ssh-keygen -l's own reading of a key: "BITS SHA256:... COMMENT (TYPE)".</summary>
    private static string KeygenFingerprint(string path)
    {
        var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-l");
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ssh-keygen -l -f {path}: {p.StandardError.ReadToEnd()}");
        return output;
    }
}
