using Keel.Errors;
using Keel.TargetSystem.Ssh;

namespace Keel.TargetSystem.Tests;

/// <summary>Host keys made by the real ssh-keygen and written into the root without following planted links.</summary>
public sealed class SshHostKeysTests
{
    [Fact]
    public void A_planted_link_is_deleted_itself_and_the_new_key_is_a_root_owned_file()
    {
        using var t = new ScratchRoot();
        var shadow = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/etc/ssh"));
        File.CreateSymbolicLink(t.Host("/etc/ssh/ssh_host_rsa_key"), "/etc/shadow");
        File.WriteAllText(t.Host("/etc/ssh/ssh_host_old_key-cert.pub"), "stale");
        File.WriteAllText(t.Host("/etc/ssh/sshd_config"), "kept");

        Assert.Equal(["ssh_host_old_key-cert.pub", "ssh_host_rsa_key"], SshHostKeys.DeleteAll(t.Root));
        SshHostKeys.Generate(t.Root, "ed25519");

        Assert.Equal(shadow, t["/etc/shadow"]);
        Assert.Equal("kept", t["/etc/ssh/sshd_config"]);
        Assert.Equal(["ssh_host_ed25519_key"], SshHostKeys.PrivateKeys(t.Root));
        Assert.Equal("0:0 600 regular file", t.Stat("/etc/ssh/ssh_host_ed25519_key"));
        Assert.Equal("0:0 644 regular file", t.Stat("/etc/ssh/ssh_host_ed25519_key.pub"));
        Assert.Equal(t["/etc/ssh/ssh_host_ed25519_key.pub"].Split(' ')[..2], SshHostKeys.DerivePublic(t.Root, "ed25519").Split(' ')[..2]);
    }

    [Fact]
    public void Generating_over_a_planted_link_is_refused()
    {
        using var t = new ScratchRoot();
        var shadow = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/etc/ssh"));
        File.CreateSymbolicLink(t.Host("/etc/ssh/ssh_host_ed25519_key"), "/etc/shadow");

        var ex = Assert.Throws<UnsafePathException>(() => SshHostKeys.Generate(t.Root, "ed25519"));

        Assert.Contains("/etc/ssh/ssh_host_ed25519_key", ex.Message, StringComparison.Ordinal);
        Assert.Equal(shadow, t["/etc/shadow"]);
    }

    [Fact]
    public void An_unknown_key_type_is_refused_by_name()
    {
        using var t = new ScratchRoot();
        var ex = Assert.Throws<InvalidDataException>(() => SshHostKeys.Generate(t.Root, "rsa1"));
        Assert.Contains("'rsa1'", ex.Message, StringComparison.Ordinal);
    }
}
