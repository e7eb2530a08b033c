using Keel.Errors;
using Keel.TargetSystem.Accounts;

namespace Keel.TargetSystem.Tests;

/// <summary>Account files, authorized_keys and sudoers as both engines write them.</summary>
public sealed class AccountFilesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1735689600);

    [Fact]
    public void Loading_repairs_an_entry_an_interrupted_save_left_without_its_shadow_line()
    {
        using var t = new ScratchRoot();
        File.AppendAllText(t.Host("/etc/passwd"), "ann:x:1000:1000::/home/ann:/bin/bash\nold:hash-in-passwd:1001:1001::/:/bin/sh\n");
        File.AppendAllText(t.Host("/etc/group"), "ann:x:1000:\nops:x:2000:ann\n");

        var db = AccountDatabase.Load(t.Root, Now);
        db.Save();

        Assert.Equal("root:*:19000:0:99999:7:::\nann:!:20089::::::\n", t["/etc/shadow"]);
        Assert.Equal("root:*::\nwheel:::\nann:!::\nops:!::ann\n", t["/etc/gshadow"]);
        Assert.Equal("0:0 0 regular file", t.Stat("/etc/shadow"));
    }

    [Fact]
    public void Adding_a_user_replaces_a_shadow_line_left_over_from_an_interrupted_run()
    {
        using var t = new ScratchRoot();
        File.AppendAllText(t.Host("/etc/shadow"), "ann:!:1::::::\n");

        var db = AccountDatabase.Load(t.Root, Now);
        db.AddUser(new NewUser("ann") { PasswordHash = "$6$s$h" });
        db.Save();

        Assert.Equal("ann:$6$s$h:20089:0:99999:7:::", Assert.Single(File.ReadAllLines(t.Host("/etc/shadow")), l => l.StartsWith("ann:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Authorized_keys_are_added_once_and_replaced_whole()
    {
        using var t = new ScratchRoot();
        var ann = new PasswdEntry("ann", 1000, 1000, "", "/home/ann", "/bin/bash");
        AuthorizedKeysFile.Add(t.Root, ann, ["ssh-ed25519 AAAA1 a@x", "ssh-ed25519 AAAA1 again@x", "# comment", ""]);
        AuthorizedKeysFile.Add(t.Root, ann, ["ssh-ed25519 AAAA2 b@x"]);
        Assert.Equal("ssh-ed25519 AAAA1 a@x\nssh-ed25519 AAAA2 b@x\n", t["/home/ann/.ssh/authorized_keys"]);
        Assert.Equal("1000:1000 600 regular file", t.Stat("/home/ann/.ssh/authorized_keys"));
        Assert.Equal("1000:1000 700 directory", t.Stat("/home/ann/.ssh"));

        AuthorizedKeysFile.Replace(t.Root, ann, ["ssh-ed25519 AAAA3 c@x"]);
        Assert.Equal("ssh-ed25519 AAAA3 c@x\n", t["/home/ann/.ssh/authorized_keys"]);

        var ex = Assert.Throws<InvalidDataException>(() => AuthorizedKeysFile.Replace(t.Root, ann, ["ssh-ed25519 AAAA4 d@x\ncommand=\"sh\" ssh-ed25519 AAAA5"]));
        Assert.Equal("user ann: an SSH key may not span lines", ex.Message);
    }

    [Fact]
    public void A_sudoers_drop_in_is_root_owned_0440_and_its_rules_single_lines()
    {
        using var t = new ScratchRoot();
        Sudoers.WriteDropIn(t.Root, "90-keel", "Written by keel.", ["%wheel ALL=(ALL) ALL"]);
        Assert.Equal("# Written by keel.\n%wheel ALL=(ALL) ALL\n", t["/etc/sudoers.d/90-keel"]);
        Assert.Equal("0:0 440 regular file", t.Stat("/etc/sudoers.d/90-keel"));
        Assert.Equal("0:0 750 directory", t.Stat("/etc/sudoers.d"));

        Assert.Throws<InvalidDataException>(() => Sudoers.WriteDropIn(t.Root, "90-keel", "x", ["ann ALL=(ALL) ALL\nALL ALL=(ALL) NOPASSWD:ALL"]));
        Assert.Throws<InvalidDataException>(() => Sudoers.WriteDropIn(t.Root, "90.keel", "x", []));
        Assert.Equal("# Written by keel.\n%wheel ALL=(ALL) ALL\n", t["/etc/sudoers.d/90-keel"]);
    }

    [Fact]
    public void A_symlinked_sudoers_drop_in_or_directory_is_refused()
    {
        using var t = new ScratchRoot();
        var shadow = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/etc/sudoers.d"));
        File.CreateSymbolicLink(t.Host("/etc/sudoers.d/90-keel"), "/etc/shadow");

        var ex = Assert.Throws<UnsafePathException>(() => Sudoers.WriteDropIn(t.Root, "90-keel", "x", ["ALL ALL=(ALL) NOPASSWD:ALL"]));
        Assert.Throws<UnsafePathException>(() => Sudoers.AppendToDropIn(t.Root, "90-keel", "x", "y", ["ALL ALL=(ALL) NOPASSWD:ALL"]));

        Assert.Equal("/etc/sudoers.d/90-keel", ex.Input);
        Assert.Equal(shadow, t["/etc/shadow"]);
    }
}
