using Keel.Provisioning.Engine;
using Keel.Provisioning.Modules;

namespace Keel.Provisioning.Tests;

/// <summary>Real runs into temporary roots: file contents, modes and owners checked with stat(1); reruns and new instances.</summary>
public sealed class ProvisionerTests
{
    private const string Typical = """
        #cloud-config
        hostname: web1
        fqdn: web1.example.com
        manage_etc_hosts: true
        locale: de_DE.UTF-8
        users:
          - default
          - name: alice
            gecos: Alice Example
            groups: [wheel, devs]
            sudo: ALL=(ALL) NOPASSWD:ALL
            shell: /bin/zsh
            passwd: $6$salt$hashhash
            lock_passwd: false
            ssh_authorized_keys:
              - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@laptop
          - name: svc
            system: true
            uid: 990
        groups:
          - ops: [root]
        write_files:
          - path: /etc/app/config.ini
            content: |
              [main]
              x = 1
            permissions: '0640'
          - path: /etc/app/blob
            encoding: gz+b64
            content: H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==
          - path: /etc/app/log.conf
            content: "line\n"
            append: true
          - path: /home/alice/notes
            content: mine
            owner: alice:devs
            permissions: '0600'
            defer: true
        runcmd:
          - [touch, "/it's here"]
          - echo done
        final_message: "up after $uptime"
        """;

    [Fact]
    public void Typical_config_lands_in_the_root_with_modes_and_owners()
    {
        using var t = new TestRoot();
        t.Seed(Typical);
        var status = t.Run();

        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        Assert.Equal("web1\n", t["/etc/hostname"]);
        Assert.Contains("127.0.0.1 web1.example.com web1\n", t["/etc/hosts"], StringComparison.Ordinal);
        Assert.Equal("LANG=de_DE.UTF-8\n", t["/etc/locale.conf"]);

        var passwd = t["/etc/passwd"];
        // As cloud-init's normalize_users_groups, the default user is created after the listed users.
        Assert.Matches("(?m)^keel:x:1001:\\d+:Keel default user:/home/keel:/bin/bash$", passwd);
        Assert.Contains("alice:x:1000:", passwd, StringComparison.Ordinal);
        Assert.Contains(":Alice Example:/home/alice:/bin/zsh\n", passwd, StringComparison.Ordinal);
        Assert.Contains("svc:x:990:", passwd, StringComparison.Ordinal);
        Assert.Contains("wheel:x:10:alice,keel\n", t["/etc/group"], StringComparison.Ordinal);
        Assert.Matches("(?m)^ops:x:\\d+:root$", t["/etc/group"]);
        Assert.Matches("(?m)^devs:x:\\d+:alice$", t["/etc/group"]);
        var shadow = t["/etc/shadow"];
        Assert.Contains("alice:$6$salt$hashhash:20090:0:99999:7:::\n", shadow, StringComparison.Ordinal);
        Assert.Contains("keel:!:20090:", shadow, StringComparison.Ordinal);
        Assert.Equal("0:0 0", t.Stat("/etc/shadow"));
        Assert.Equal("0:0 644", t.Stat("/etc/passwd"));

        Assert.Equal("700", t.Stat("/home/alice/.ssh").Split(' ')[1]);
        Assert.StartsWith("1000:", t.Stat("/home/alice/.ssh/authorized_keys"), StringComparison.Ordinal);
        Assert.EndsWith(" 600", t.Stat("/home/alice/.ssh/authorized_keys"), StringComparison.Ordinal);
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@laptop\n", t["/home/alice/.ssh/authorized_keys"]);
        Assert.False(File.Exists(t.Host("/home/svc")));

        var sudoers = t["/etc/sudoers.d/90-cloud-init-users"];
        Assert.Contains("\n# User rules for alice\nalice ALL=(ALL) NOPASSWD:ALL\n", sudoers, StringComparison.Ordinal);
        Assert.Contains("keel ALL=(ALL) NOPASSWD:ALL\n", sudoers, StringComparison.Ordinal);
        Assert.Equal("0:0 440", t.Stat("/etc/sudoers.d/90-cloud-init-users"));
        Assert.Contains("#includedir /etc/sudoers.d", t["/etc/sudoers"], StringComparison.Ordinal);

        Assert.Equal("[main]\nx = 1\n", t["/etc/app/config.ini"]);
        Assert.Equal("0:0 640", t.Stat("/etc/app/config.ini"));
        Assert.Equal("hello", t["/etc/app/blob"]);
        Assert.Equal("0:0 644", t.Stat("/etc/app/blob"));
        Assert.Equal("mine", t["/home/alice/notes"]);
        var alice = t["/etc/passwd"].Split('\n').Single(l => l.StartsWith("alice:", StringComparison.Ordinal)).Split(':');
        var devsGid = t["/etc/group"].Split('\n').Single(l => l.StartsWith("devs:", StringComparison.Ordinal)).Split(':')[2];
        Assert.Equal($"{alice[2]}:{devsGid} 600", t.Stat("/home/alice/notes"));
        Assert.Equal($"{alice[2]}:{alice[3]} 700", t.Stat("/home/alice"));

        Assert.Equal("#!/bin/sh\n'touch' '/it'\\''s here'\necho done\n", t["/var/lib/cloud/instances/iid-1/scripts/runcmd"]);
        Assert.Equal("deferred", status.Modules.Single(m => m.Name == "scripts_user").Result);
        Assert.False(File.Exists(t.Host("/var/lib/cloud/instances/iid-1/sem/config_scripts_user")));
        Assert.True(File.Exists(t.Host("/var/lib/cloud/instances/iid-1/sem/config_users_groups")));
        Assert.Equal("iid-1\n", t["/var/lib/cloud/data/instance-id"]);
    }

    [Fact]
    public void Rerun_changes_nothing_and_new_instance_id_reprovisions()
    {
        using var t = new TestRoot();
        t.Seed(Typical);
        t.Run();
        var files = new[] { "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/sudoers.d/90-cloud-init-users", "/etc/app/log.conf", "/home/alice/.ssh/authorized_keys", "/etc/hosts", "/etc/hostname" };
        var before = files.ToDictionary(f => f, f => t[f]);

        var second = t.Run(bootId: "boot-2");
        Assert.Equal("done", second.Status);
        Assert.All(files, f => Assert.Equal(before[f], t[f]));
        Assert.Equal("already-ran", second.Modules.Single(m => m.Name == "users_groups").Result);
        Assert.Equal("line\n", t["/etc/app/log.conf"]);

        // A new instance: per-instance modules run again, but existing users, keys and sudo rules are not duplicated.
        t.Seed(Typical, instanceId: "iid-2");
        var third = t.Run(bootId: "boot-3");
        Assert.Equal("ran", third.Modules.Single(m => m.Name == "users_groups").Result);
        Assert.Equal(before["/etc/passwd"], t["/etc/passwd"]);
        Assert.Equal(before["/etc/sudoers.d/90-cloud-init-users"], t["/etc/sudoers.d/90-cloud-init-users"]);
        Assert.Equal(before["/home/alice/.ssh/authorized_keys"], t["/home/alice/.ssh/authorized_keys"]);
        Assert.Equal("line\nline\n", t["/etc/app/log.conf"]);
        Assert.Equal("iid-1\n", t["/var/lib/cloud/data/previous-instance-id"]);
        Assert.Equal("/var/lib/cloud/instances/iid-2", new FileInfo(t.Host("/var/lib/cloud/instance")).LinkTarget);
    }

    [Fact]
    public void Append_journal_prevents_a_second_append_after_a_kill_before_the_semaphore()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nusers: []\nwrite_files:\n  - path: /etc/x.conf\n    content: \"add\\n\"\n    append: true\n");
        t.Run();
        Assert.Equal("add\n", t["/etc/x.conf"]);

        // Simulate a run killed after the file was replaced but before the semaphore was written.
        File.Delete(t.Host("/var/lib/cloud/instances/iid-1/sem/config_write_files"));
        t.Run(bootId: "boot-2");
        Assert.Equal("add\n", t["/etc/x.conf"]);
    }

    [Fact]
    public void Symlinks_in_the_root_never_lead_outside_it()
    {
        using var t = new TestRoot();
        var outside = Path.Combine(t.Base, "outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(t.Host("/opt"));
        File.CreateSymbolicLink(t.Host("/opt/abs"), outside);              // absolute link: re-rooted
        File.CreateSymbolicLink(t.Host("/opt/rel"), "../../../../outside"); // relative link climbing out: clamped at the root
        File.CreateSymbolicLink(t.Host("/etc/evil.conf"), Path.Combine(outside, "target"));
        t.Seed("#cloud-config\nusers: []\nwrite_files:\n  - {path: /opt/abs/a, content: a}\n  - {path: /opt/rel/b, content: b}\n  - {path: /etc/evil.conf, content: c}\n  - {path: /opt/../../escape, content: d}\n");
        var status = t.Run();

        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.False(File.Exists(Path.Combine(t.Base, "escape")));
        Assert.Equal("a", File.ReadAllText(t.RootPath + outside + "/a"));
        Assert.Equal("b", t["/outside/b"]);
        Assert.Equal("c", File.ReadAllText(t.RootPath + outside + "/target"));
        var failed = Assert.Single(status.Modules, m => m.Result == "failed");
        Assert.Equal("write_files", failed.Name);
        Assert.Contains("write_files.3", failed.Error, StringComparison.Ordinal);
        Assert.Contains("'..'", failed.Error, StringComparison.Ordinal);
        Assert.Equal("error", status.Status);
    }

    [Fact]
    public void Malformed_user_data_is_an_error_but_other_modules_run()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nhostname: [unclosed\n", vendorData: "#cloud-config\ntimezone: Etc/UTC\n");
        Directory.CreateDirectory(t.Host("/usr/share/zoneinfo/Etc"));
        File.WriteAllText(t.Host("/usr/share/zoneinfo/Etc/UTC"), "TZif");
        var status = t.Run();

        Assert.Equal("error", status.Status);
        Assert.Contains(status.Errors, e => e.Source.StartsWith("user-data", StringComparison.Ordinal) && e.Message.Contains("malformed YAML", StringComparison.Ordinal));
        Assert.Equal("../usr/share/zoneinfo/Etc/UTC", new FileInfo(t.Host("/etc/localtime")).LinkTarget);
        Assert.Contains("keel:x:1000:", t["/etc/passwd"], StringComparison.Ordinal);
        Assert.Equal(1, new Keel.Agent.Commands.StatusProbe(t.RootPath).ExitCode);
    }

    [Fact]
    public void Wrong_types_fail_their_module_only()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nwrite_files: not-a-list\nusers:\n  - name: bob\n    uid: abc\n  - name: carol\nruncmd: 5\nhostname: h1\nfrobnicate: true\n");
        var status = t.Run();

        Assert.Equal("error", status.Status);
        Assert.Equal("failed", status.Modules.Single(m => m.Name == "write_files").Result);
        Assert.Equal("failed", status.Modules.Single(m => m.Name == "runcmd").Result);
        Assert.Contains("user bob", status.Modules.Single(m => m.Name == "users_groups").Error, StringComparison.Ordinal);
        Assert.Contains("carol:x:", t["/etc/passwd"], StringComparison.Ordinal);
        Assert.Equal("h1\n", t["/etc/hostname"]);
        Assert.Contains(status.Warnings, w => w.Message.Contains("frobnicate", StringComparison.Ordinal) || w.Source.Contains("frobnicate", StringComparison.Ordinal));
        Assert.False(File.Exists(t.Host("/var/lib/cloud/instances/iid-1/sem/config_write_files")));
    }

    [Fact]
    public void Truncated_seed_is_a_datasource_error_and_nothing_is_applied()
    {
        using var t = new TestRoot();
        File.WriteAllText(Path.Combine(t.SeedPath, "user-data"), "#cloud-config\nhostname: x\n");
        var status = t.Run();
        Assert.Equal("error", status.Status);
        var error = Assert.Single(status.Errors);
        Assert.Equal("datasource", error.Source);
        Assert.Contains("meta-data", error.Message, StringComparison.Ordinal);
        Assert.Empty(status.Modules);
        Assert.False(File.Exists(t.Host("/etc/hostname")));

        File.WriteAllText(Path.Combine(t.SeedPath, "meta-data"), "instance-id: [broken");
        Assert.Contains("meta-data", Assert.Single(t.Run().Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_runs_bootcmd_and_runcmd_in_the_root_through_chroot()
    {
        using var t = new TestRoot();
        foreach (var lib in new[] { "/bin/dash", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(t.Host(lib))!);
            File.Copy(lib, t.Host(lib));
        }

        File.CreateSymbolicLink(t.Host("/bin/sh"), "dash");
        Directory.CreateDirectory(t.Host("/tmp"));
        t.Seed(MultipartWithScript("#cloud-config\nbootcmd:\n  - echo \"boot $INSTANCE_ID\" >> /tmp/boot\nruncmd:\n  - [sh, -c, 'echo ran > /tmp/ran']\n"));
        var status = t.Run(execute: true);

        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        Assert.Equal("boot iid-1\n", t["/tmp/boot"]);
        Assert.Equal("ran\n", t["/tmp/ran"]);
        Assert.Equal("script\n", t["/tmp/script"]);
        t.Run(execute: true, bootId: "boot-2");
        Assert.Equal("boot iid-1\nboot iid-1\n", t["/tmp/boot"]);
    }

    private static string MultipartWithScript(string cloudConfig) =>
        "Content-Type: multipart/mixed; boundary=\"XX\"\nMIME-Version: 1.0\n\n--XX\nContent-Type: text/cloud-config\n\n" + cloudConfig +
        "\n--XX\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\nContent-Disposition: attachment; filename=\"my/script.sh\"\n\n#!/bin/sh\necho script > /tmp/script\n--XX--\n";

    [Fact]
    public void Clean_forgets_the_instance_but_keeps_the_seed()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nusers: []\nhostname: a\n");
        t.Run();
        Directory.CreateDirectory(t.Host("/var/lib/cloud/seed/nocloud"));
        Provisioner.Clean(t.Root);
        Assert.Equal(["seed"], Directory.GetFileSystemEntries(t.Host("/var/lib/cloud")).Select(Path.GetFileName));
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "set_hostname").Result);
    }

    [Fact]
    public void Update_hostname_respects_an_administrator_change()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nusers: []\nhostname: first\n");
        t.Run();
        File.WriteAllText(t.Host("/etc/hostname"), "admin-set\n");
        t.Seed("#cloud-config\nusers: []\nhostname: second\n");
        t.Run(bootId: "boot-2");
        Assert.Equal("admin-set\n", t["/etc/hostname"]);
    }

    [Fact]
    public void Shellify_matches_cloud_init()
    {
        var node = Config.YamlConfigReader.Parse("- [ls, -l, \"a b\"]\n- echo $HOME\n- [echo, true, 1]\n-\n", "t")!;
        Assert.Equal("#!/bin/sh\n'ls' '-l' 'a b'\necho $HOME\n'echo' 'True' '1'\n", Shellify.Render(node, "runcmd"));
    }

    [Fact]
    public void Meta_data_public_keys_go_to_the_default_user()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nssh_authorized_keys: [ssh-rsa AAAAB3top top@x]\n", extraMeta: "public-keys:\n  k1: [ssh-rsa AAAAB3meta meta@x]\n");
        t.Run();
        Assert.Equal("ssh-rsa AAAAB3top top@x\nssh-rsa AAAAB3meta meta@x\n", t["/home/keel/.ssh/authorized_keys"]);
    }
}
