using System.Diagnostics;
using Keel.Config.Model;
using Keel.Errors;
using Keel.Install.Planning;
using Keel.Install.Settings;
using Keel.TargetSystem;

namespace Keel.Install.Tests;

/// <summary>
/// The install engine's settings write into a root whose contents are not trusted (a reused disk, a hostile package):
/// host keys, sudoers and account files never follow a symlink planted there, and an interrupted earlier run is repaired.
/// </summary>
public sealed class SettingsRootConfinementTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1735689600);
    private readonly string _base = InstallFixtures.ScratchPath("confined");
    private readonly string _root;

    public SettingsRootConfinementTests()
    {
        _root = Path.Combine(_base, "root");
        Directory.CreateDirectory(Path.Combine(_root, "etc/ssh"));
        Directory.CreateDirectory(Path.Combine(_root, "usr/sbin"));
        File.WriteAllText(Path.Combine(_root, "usr/sbin/sshd"), "");
        File.WriteAllText(Path.Combine(_root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(Path.Combine(_root, "etc/group"), "root:x:0:\nwheel:x:10:\n");
        File.WriteAllText(Path.Combine(_root, "etc/shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(Path.Combine(_root, "etc/gshadow"), "root:::\nwheel:::\n");
        File.SetUnixFileMode(Path.Combine(_root, "etc/shadow"), 0);
        File.WriteAllText(Path.Combine(_root, "etc/login.defs"), "UID_MIN 1000\nGID_MIN 1000\nHOME_MODE 0700\n");
    }

    public void Dispose() => InstallFixtures.DeleteQuietly(_base);

    [Fact]
    public async Task Host_keys_replace_a_planted_link_to_shadow_and_never_write_through_it()
    {
        var shadow = File.ReadAllText(Path.Combine(_root, "etc/shadow"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/ssh/ssh_host_rsa_key"), "/etc/shadow");
        File.CreateSymbolicLink(Path.Combine(_root, "etc/ssh/ssh_host_rsa_key.pub"), "../shadow");

        var done = await SshSettings.ApplyAsync(new TargetRoot(_root), new MachineConfig(), HostKeyGeneration.Install, CancellationToken.None);

        Assert.Equal("host keys made: ssh_host_ecdsa_key, ssh_host_ed25519_key, ssh_host_rsa_key", done);
        Assert.Equal(shadow, File.ReadAllText(Path.Combine(_root, "etc/shadow")));
        Assert.Equal("0:0 0 regular file", Stat("etc/shadow"));
        Assert.Equal("0:0 600 regular file", Stat("etc/ssh/ssh_host_rsa_key"));
        Assert.Equal("0:0 644 regular file", Stat("etc/ssh/ssh_host_rsa_key.pub"));
        Assert.StartsWith("ssh-rsa ", File.ReadAllText(Path.Combine(_root, "etc/ssh/ssh_host_rsa_key.pub")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_keys_are_never_written_through_a_symlinked_ssh_directory_to_the_host()
    {
        // ssh-keygen -A -f ROOT resolved ROOT/etc/ssh on the host, so an absolute link there sent the keys out of the root.
        var outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(Path.Combine(_root, outside.TrimStart('/')));
        Directory.Delete(Path.Combine(_root, "etc/ssh"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/ssh"), outside);

        var ex = await Assert.ThrowsAsync<UnsafePathException>(() => SshSettings.ApplyAsync(new TargetRoot(_root), new MachineConfig(), HostKeyGeneration.Install, CancellationToken.None));

        Assert.Contains("/etc/ssh", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void A_symlinked_sudoers_drop_in_is_refused_and_never_written_through()
    {
        File.WriteAllText(Path.Combine(_root, "etc/target"), "kept\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc/sudoers.d"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/sudoers.d/90-keel"), "/etc/target");
        var config = new MachineConfig { Users = [new UserConfig { Name = "alice", Sudo = true }] };

        var ex = Assert.Throws<UnsafePathException>(() => AccountSettings.Apply(new TargetRoot(_root), config, ResolvedSettings.DecideUsers(config), Epoch));

        Assert.Contains("/etc/sudoers.d/90-keel", ex.Message, StringComparison.Ordinal);
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(_root, "etc/target")));
    }

    [Fact]
    public void A_user_left_without_a_shadow_line_by_an_interrupted_run_gets_it_on_the_rerun()
    {
        // What a stop between the renames of passwd and shadow leaves: alice in passwd and group, not in shadow.
        File.AppendAllText(Path.Combine(_root, "etc/passwd"), "alice:x:1000:1000::/home/alice:/bin/bash\n");
        File.AppendAllText(Path.Combine(_root, "etc/group"), "alice:x:1000:\n");
        File.AppendAllText(Path.Combine(_root, "etc/gshadow"), "alice:!::\n");
        var config = new MachineConfig { Users = [new UserConfig { Name = "alice", PasswordHash = "$6$salt$alicehash" }] };

        AccountSettings.Apply(new TargetRoot(_root), config, ResolvedSettings.DecideUsers(config), Epoch);

        var shadow = File.ReadAllLines(Path.Combine(_root, "etc/shadow"));
        Assert.Equal("alice:$6$salt$alicehash:20089:0:99999:7:::", Assert.Single(shadow, l => l.StartsWith("alice:", StringComparison.Ordinal)));
        Assert.Equal("0:0 0 regular file", Stat("etc/shadow"));
    }

    [Fact]
    public void Writing_through_a_dangling_symlink_is_a_one_line_error_naming_the_path()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "etc/motd"), "/missing/dir/motd");

        var ex = Assert.Throws<UnsafePathException>(() => SystemFiles.Files(new TargetRoot(_root), [new FileConfig { Path = "/etc/motd", Content = "hi\n" }], Epoch));

        Assert.StartsWith("/etc/motd: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/missing/dir/motd", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "missing")));
    }

    [Fact]
    public void Repository_files_are_refused_through_a_symlink_and_values_may_not_span_lines()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc/yum.repos.d"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/yum.repos.d/base.repo"), "/etc/shadow");
        var root = new TargetRoot(_root);

        Assert.Throws<UnsafePathException>(() => SystemFiles.Repositories(root, [new SystemRepository { Id = "base", Baseurl = "https://example.org/base" }]));
        var ex = Assert.Throws<InvalidDataException>(() => SystemFiles.Repositories(root, [new SystemRepository { Id = "x", Baseurl = "https://example.org/\n[evil]" }]));
        Assert.Contains("repository x", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "etc/yum.repos.d/x.repo")));
    }

    private string Stat(string relative)
    {
        var psi = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("%u:%g %a %F");
        psi.ArgumentList.Add(Path.Combine(_root, relative));
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }
}
