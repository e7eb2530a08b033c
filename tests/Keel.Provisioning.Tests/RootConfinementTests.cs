namespace Keel.Provisioning.Tests;

/// <summary>Writes into user-controlled directories (home, ~/.ssh) never follow a symlink the user planted there.</summary>
public sealed class RootConfinementTests
{
    private const string UserData = "#cloud-config\nusers:\n  - name: eve\n    uid: 1500\n    ssh_authorized_keys: [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEve eve@x\"]\n";

    [Fact]
    public void AuthorizedKeysSymlinkToShadowIsRefusedAndShadowUntouched()
    {
        using var t = new TestRoot();
        File.AppendAllText(t.Host("/etc/passwd"), "eve:x:1500:1500::/home/eve:/bin/bash\n");
        File.AppendAllText(t.Host("/etc/group"), "eve:x:1500:\n");
        File.AppendAllText(t.Host("/etc/shadow"), "eve:!!:19000:0:99999:7:::\n");
        var shadowBefore = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/home/eve/.ssh"));
        File.CreateSymbolicLink(t.Host("/home/eve/.ssh/authorized_keys"), "/etc/shadow");
        t.Seed(UserData);

        var status = t.Run();

        Assert.Equal("0:0 0", t.Stat("/etc/shadow"));
        Assert.Equal(shadowBefore, t["/etc/shadow"]);
        var error = status.Modules.Single(m => m.Name == "users_groups").Error ?? "";
        Assert.Contains("/home/eve/.ssh/authorized_keys", error, StringComparison.Ordinal);
        Assert.Contains("symlink", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SshDirectorySymlinkOutsideTheRootIsRefused()
    {
        using var t = new TestRoot();
        var outside = Path.Combine(t.Base, "outside");
        Directory.CreateDirectory(outside);
        File.AppendAllText(t.Host("/etc/passwd"), "eve:x:1500:1500::/home/eve:/bin/bash\n");
        File.AppendAllText(t.Host("/etc/group"), "eve:x:1500:\n");
        Directory.CreateDirectory(t.Host("/home/eve"));
        File.CreateSymbolicLink(t.Host("/home/eve/.ssh"), outside);
        t.Seed(UserData);

        var status = t.Run();

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        var error = status.Modules.Single(m => m.Name == "users_groups").Error ?? "";
        Assert.Contains("/home/eve/.ssh", error, StringComparison.Ordinal);
        Assert.Contains("symlink", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_supplied_host_key_is_not_written_through_a_symlink_to_shadow()
    {
        // With ssh_deletekeys false nothing removes the planted link first; the key must not land in /etc/shadow.
        using var t = new TestRoot();
        var shadowBefore = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/etc/ssh"));
        File.CreateSymbolicLink(t.Host("/etc/ssh/ssh_host_rsa_key"), "/etc/shadow");
        t.Seed("#cloud-config\nusers: []\nssh_deletekeys: false\nssh_keys:\n  rsa_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    not really\n    -----END OPENSSH PRIVATE KEY-----\n  rsa_public: ssh-rsa AAAAB3Nza root@x\n");

        var status = t.Run();

        Assert.Equal(shadowBefore, t["/etc/shadow"]);
        Assert.Equal("0:0 0", t.Stat("/etc/shadow"));
        Assert.Equal("/etc/shadow", new FileInfo(t.Host("/etc/ssh/ssh_host_rsa_key")).LinkTarget);
        var error = status.Modules.Single(m => m.Name == "ssh").Error ?? "";
        Assert.Contains("/etc/ssh/ssh_host_rsa_key", error, StringComparison.Ordinal);
        Assert.Contains("symlink", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_old_host_keys_removes_a_planted_link_and_never_its_target()
    {
        using var t = new TestRoot();
        var shadowBefore = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/etc/ssh"));
        File.CreateSymbolicLink(t.Host("/etc/ssh/ssh_host_rsa_key"), "/etc/shadow");
        File.CreateSymbolicLink(t.Host("/etc/ssh/ssh_host_ecdsa_key.pub"), "../shadow");
        t.Seed("#cloud-config\nusers: []\nssh_genkeytypes: [ed25519]\n");

        var status = t.Run();

        Assert.Equal("ran", status.Modules.Single(m => m.Name == "ssh").Result);
        Assert.Equal(shadowBefore, t["/etc/shadow"]);
        Assert.False(File.Exists(t.Host("/etc/ssh/ssh_host_rsa_key")) || new FileInfo(t.Host("/etc/ssh/ssh_host_rsa_key")).LinkTarget is not null);
        Assert.Null(new FileInfo(t.Host("/etc/ssh/ssh_host_ecdsa_key.pub")).LinkTarget);
        Assert.Equal("0:0 600 regular file", t.Stat("/etc/ssh/ssh_host_ed25519_key", "%u:%g %a %F"));
    }

    [Fact]
    public void A_symlinked_sudoers_drop_in_is_refused_and_shadow_untouched()
    {
        using var t = new TestRoot();
        File.AppendAllText(t.Host("/etc/passwd"), "eve:x:1500:1500::/home/eve:/bin/bash\n");
        File.AppendAllText(t.Host("/etc/group"), "eve:x:1500:\n");
        File.AppendAllText(t.Host("/etc/shadow"), "eve:!!:19000:0:99999:7:::\n");
        var shadowBefore = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/etc/sudoers.d"));
        File.CreateSymbolicLink(t.Host("/etc/sudoers.d/90-cloud-init-users"), "/etc/shadow");
        t.Seed("#cloud-config\nusers:\n  - name: eve\n    sudo: ALL=(ALL) NOPASSWD:ALL\n");

        var status = t.Run();

        Assert.Equal(shadowBefore, t["/etc/shadow"]);
        var error = status.Modules.Single(m => m.Name == "users_groups").Error ?? "";
        Assert.Contains("/etc/sudoers.d/90-cloud-init-users", error, StringComparison.Ordinal);
        Assert.Contains("symlink", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sudo_rules_are_written_root_owned_0440_beside_an_included_directory()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nusers:\n  - name: ann\n    sudo: [\"ALL=(ALL) NOPASSWD:ALL\"]\n");

        t.Run();

        Assert.Equal("# Created by keel-agent\n\n# User rules for ann\nann ALL=(ALL) NOPASSWD:ALL\n", t["/etc/sudoers.d/90-cloud-init-users"]);
        Assert.Equal("0:0 440 regular file", t.Stat("/etc/sudoers.d/90-cloud-init-users", "%u:%g %a %F"));
        Assert.Equal("750", t.Stat("/etc/sudoers.d", "%a"));
        Assert.Contains("\n#includedir /etc/sudoers.d\n", t["/etc/sudoers"], StringComparison.Ordinal);
    }
}
