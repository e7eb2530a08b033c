using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Errors;
using Keel.Install.Planning;
using Keel.Install.Settings;
using Keel.TargetSystem;

namespace Keel.Install.Tests;

public sealed class SystemSettingsTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1735689600);
    private readonly string _root = InstallFixtures.ScratchPath("settings");

    public SystemSettingsTests()
    {
        // The minimum the setup package gives a root: root and wheel, plus a login.defs with Fedora's ranges.
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(Path.Combine(_root, "etc/group"), "root:x:0:\nwheel:x:10:\n");
        File.WriteAllText(Path.Combine(_root, "etc/shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(Path.Combine(_root, "etc/gshadow"), "root:::\nwheel:::\n");
        File.WriteAllText(Path.Combine(_root, "etc/login.defs"), "UID_MIN 1000\nGID_MIN 1000\nSYS_UID_MIN 201\nSYS_GID_MIN 201\nHOME_MODE 0700\n");
    }

    public void Dispose() => InstallFixtures.DeleteQuietly(_root);

    [Fact]
    public void Users_join_the_groups_the_plan_decided_not_groups_worked_out_again()
    {
        var config = new MachineConfig { Users = [new UserConfig { Name = "alice", Sudo = true, Groups = ["ops"] }] };
        // The plan is the decision: a front end that showed "alice joins ops" must get exactly that, even if a rule
        // elsewhere (sudo -> wheel) would say more.
        IReadOnlyList<ResolvedUser> decided = [new ResolvedUser("alice", ["ops"], HasPassword: false, SshKeys: 0)];

        AccountSettings.Apply(new TargetRoot(_root), config, decided, Epoch);

        var group = File.ReadAllLines(Path.Combine(_root, "etc/group"));
        Assert.Contains(group, l => l.StartsWith("ops:x:", StringComparison.Ordinal) && l.EndsWith(":alice", StringComparison.Ordinal));
        Assert.Contains("wheel:x:10:", group);
        Assert.Equal(["ops", "wheel"], ResolvedSettings.DecideUsers(config).Single().Groups);
    }

    [Fact]
    public void A_user_missing_from_the_plan_is_refused()
    {
        var config = new MachineConfig { Users = [new UserConfig { Name = "alice" }] };

        var ex = Assert.Throws<ArgumentException>(() => AccountSettings.Apply(new TargetRoot(_root), config, [], Epoch));

        Assert.Contains("user 'alice' is not in the plan's decided users", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Users_groups_keys_and_sudo_are_written_with_owners_and_modes()
    {
        var config = new MachineConfig
        {
            Groups = [new GroupConfig { Name = "ops", Gid = 2000 }],
            Users =
            [
                new UserConfig { Name = "alice", Sudo = true, Locked = true, Groups = ["ops"], SshAuthorizedKeys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@x"] },
                new UserConfig { Name = "bob", Uid = 1500, PasswordHash = "$6$salt$hash" },
            ],
        };

        AccountSettings.Apply(new TargetRoot(_root), config, ResolvedSettings.DecideUsers(config), Epoch);

        var passwd = File.ReadAllLines(Path.Combine(_root, "etc/passwd"));
        Assert.Contains("alice:x:1000:1000::/home/alice:/bin/bash", passwd);
        Assert.Contains("bob:x:1500:1500::/home/bob:/bin/bash", passwd);
        var group = File.ReadAllLines(Path.Combine(_root, "etc/group"));
        Assert.Contains("wheel:x:10:alice", group);
        Assert.Contains("ops:x:2000:alice", group);
        var shadow = File.ReadAllLines(Path.Combine(_root, "etc/shadow"));
        Assert.Contains(shadow, l => l.StartsWith("root:!*:", StringComparison.Ordinal));
        Assert.Contains(shadow, l => l.StartsWith("alice:!", StringComparison.Ordinal));
        Assert.Contains(shadow, l => l.StartsWith("bob:$6$salt$hash:20089:", StringComparison.Ordinal));

        var keys = Path.Combine(_root, "home/alice/.ssh/authorized_keys");
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@x\n", File.ReadAllText(keys));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(keys)!));
        Assert.Equal((1000, 1000), Owner(keys));
        Assert.Equal((1000, 1000), Owner(Path.Combine(_root, "home/alice")));

        // alice has no usable password, so wheel's password rule alone would leave her without sudo.
        var sudoers = File.ReadAllText(Path.Combine(_root, "etc/sudoers.d/90-keel"));
        Assert.Contains("%wheel ALL=(ALL) ALL\n", sudoers, StringComparison.Ordinal);
        Assert.Contains("alice ALL=(ALL) NOPASSWD:ALL\n", sudoers, StringComparison.Ordinal);
        Assert.DoesNotContain("bob", sudoers, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(_root, "etc/sudoers.d/90-keel")));
    }

    [Fact]
    public void Root_keeps_a_configured_password_and_is_locked_otherwise()
    {
        var config = new MachineConfig { Users = [new UserConfig { Name = "root", PasswordHash = "$6$r$h" }] };
        AccountSettings.Apply(new TargetRoot(_root), config, ResolvedSettings.DecideUsers(config), Epoch);
        Assert.Contains(File.ReadAllLines(Path.Combine(_root, "etc/shadow")), l => l.StartsWith("root:$6$r$h:", StringComparison.Ordinal));
    }

    [Fact]
    public void Files_timezone_repos_fstab_and_machine_id()
    {
        var root = new TargetRoot(_root);
        SystemFiles.Files(root, [new FileConfig { Path = "/etc/motd.d/x", Content = "hi\n", Mode = "0600", Owner = "root:wheel" }], Epoch);
        var motd = Path.Combine(_root, "etc/motd.d/x");
        Assert.Equal("hi\n", File.ReadAllText(motd));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(motd));
        Assert.Equal((0, 10), Owner(motd));

        var warning = SystemFiles.Timezone(root, "Europe/Berlin");
        Assert.Equal("../usr/share/zoneinfo/Europe/Berlin", new FileInfo(Path.Combine(_root, "etc/localtime")).LinkTarget);
        Assert.NotNull(warning);

        SystemFiles.Repositories(root, [new SystemRepository { Id = "code", Name = "VS Code", Baseurl = "https://packages.microsoft.com/yumrepos/vscode", Gpgkeys = ["https://packages.microsoft.com/keys/microsoft.asc"] }]);
        Assert.Equal(
            "[code]\nname=VS Code\nbaseurl=https://packages.microsoft.com/yumrepos/vscode\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=0\ngpgkey=https://packages.microsoft.com/keys/microsoft.asc\n",
            File.ReadAllText(Path.Combine(_root, "etc/yum.repos.d/code.repo")));

        SystemFiles.Fstab(root,
        [
            new FstabEntry("UUID=ABCD-1234", "/boot/efi", "vfat", "umask=0077", 2),
            new FstabEntry("UUID=s", "none", "swap", "defaults", 0),
            new FstabEntry("UUID=r", "/", "ext4", "defaults", 1),
        ]);
        Assert.Equal(
            ["UUID=r / ext4 defaults 0 1", "UUID=ABCD-1234 /boot/efi vfat umask=0077 0 2", "UUID=s none swap defaults 0 0"],
            File.ReadAllLines(Path.Combine(_root, "etc/fstab")).Skip(1));

        SystemFiles.MachineId(root, image: true);
        Assert.Equal(0, new FileInfo(Path.Combine(_root, "etc/machine-id")).Length);
        SystemFiles.MachineId(root, image: false);
        Assert.Matches("^[0-9a-f]{32}\n$", File.ReadAllText(Path.Combine(_root, "etc/machine-id")));
    }

    [Fact]
    public void A_file_outside_the_root_is_refused_through_a_symlink_too()
    {
        // /etc/evil -> /tmp on the host; writing /etc/evil/x must land inside the root, never in the host's /tmp.
        var outside = InstallFixtures.ScratchPath("outside");
        Directory.CreateDirectory(outside);
        try
        {
            File.CreateSymbolicLink(Path.Combine(_root, "etc/evil"), outside);
            SystemFiles.Files(new TargetRoot(_root), [new FileConfig { Path = "/etc/evil/x", Content = "x" }], Epoch);
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
            Assert.True(File.Exists(Path.Combine(_root, outside.TrimStart('/'), "x")));

            var ex = Assert.Throws<UnsafePathException>(() => SystemFiles.Files(new TargetRoot(_root), [new FileConfig { Path = "/etc/../../x", Content = "x" }], Epoch));
            Assert.Contains("..", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            InstallFixtures.DeleteQuietly(outside);
        }
    }

    [Fact]
    public void An_unknown_owner_is_a_one_line_error_naming_the_file()
    {
        var ex = Assert.Throws<InvalidDataException>(() => SystemFiles.Files(new TargetRoot(_root), [new FileConfig { Path = "/etc/x", Owner = "nobody2" }], Epoch));
        Assert.Equal("system.files: /etc/x: owner 'nobody2' is not a user of the target", ex.Message);
    }

    [Fact]
    public void Selinux_config_asks_for_a_relabel_only_when_a_policy_is_installed()
    {
        var root = new TargetRoot(_root);
        Assert.EndsWith("no policy installed, nothing to relabel", SystemFiles.Selinux(root, SelinuxMode.Enforcing), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, ".autorelabel")));
        Assert.Contains("SELINUX=enforcing\n", File.ReadAllText(Path.Combine(_root, "etc/selinux/config")), StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(_root, "etc/selinux/targeted/contexts/files"));
        File.WriteAllText(Path.Combine(_root, "etc/selinux/targeted/contexts/files/file_contexts"), "");
        SystemFiles.Selinux(root, SelinuxMode.Permissive);
        Assert.True(File.Exists(Path.Combine(_root, ".autorelabel")));
    }

    private static (int Uid, int Gid) Owner(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u %g", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var parts = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
