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
}
